{{%AUTOESCAPE context="HTML"}}
{{! report.tpl - report/<id>.html: one report, its metadata, policy and records; }}
{{! ROOT is "../" here. }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report {{REPORT_ID}} from {{ORG}} - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
<link rel="stylesheet" href="{{ROOT}}style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<p class="who"><strong>{{CUSTOMER}}</strong> &middot; DMARC reports for {{WINDOW}} (UTC)</p>
<nav aria-label="Pages of this site">
<ul>
<li><a href="{{ROOT}}index.html">Overview</a></li>
<li><a href="{{ROOT}}sources.html">Sending sources</a></li>
<li><a href="{{ROOT}}reporters.html">Reporters</a></li>
<li><a href="{{ROOT}}reports.html">Reports</a></li>
<li><a href="{{ROOT}}quality.html">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<p><a href="{{ROOT}}reports.html">&larr; All reports</a></p>
<h1>Report from {{ORG}}</h1>
<p class="lead">About {{DOMAIN}}, {{PERIOD}}: {{MESSAGES}} messages in {{RECORDS}} records, {{WINDOW_MESSAGES}} of them in this week.</p>
{{#FOREIGN}}
<p class="callout" role="note"><strong>&#9888; Not your domain:</strong> this report is about a domain that is not registered as yours, so it is not counted on the other pages. Someone may have published your report address in their DMARC record by mistake.</p>
{{/FOREIGN}}
{{#HAS_NOTES}}
<div class="callout" role="note">
<p><strong>Odd data in this report:</strong></p>
<ul>
{{#NOTE}}
<li>{{NOTE}}</li>
{{/NOTE}}
</ul>
</div>
{{/HAS_NOTES}}

<h2>About the report</h2>
<dl class="meta">
<dt>Reporter</dt><dd>{{ORG}}</dd>
<dt>Contact</dt><dd>{{EMAIL}}</dd>
<dt>More contact information</dt><dd>{{EXTRA}}</dd>
<dt>Report ID</dt><dd class="mono">{{REPORT_ID}}</dd>
<dt>Period</dt><dd>{{PERIOD}}</dd>
<dt>Received</dt><dd>{{RECEIVED}}</dd>
<dt>Format version</dt><dd>{{VERSION}}</dd>
<dt>XML namespace</dt><dd class="mono">{{NAMESPACE}}</dd>
<dt>Generator</dt><dd>{{GENERATOR}}</dd>
<dt>Policy discovery</dt><dd>{{DISCOVERY}}</dd>
<dt>Errors reported</dt><dd>{{ERRORS}}</dd>
</dl>

<h2>Policy the reporter saw</h2>
<dl class="meta">
<dt>Domain</dt><dd>{{DOMAIN}}</dd>
<dt>Policy (p)</dt><dd>{{P}} <span class="hint">what to do with mail that fails DMARC</span></dd>
<dt>Subdomains (sp)</dt><dd>{{SP}} <span class="hint">the same, for subdomains (a dash: as p)</span></dd>
<dt>Unused subdomains (np)</dt><dd>{{NP}} <span class="hint">the same, for subdomains that do not exist</span></dd>
<dt>DKIM alignment (adkim)</dt><dd>{{ADKIM}} <span class="hint">how closely the signing domain must match the From: domain</span></dd>
<dt>SPF alignment (aspf)</dt><dd>{{ASPF}} <span class="hint">how closely the envelope sender&rsquo;s domain must match it</span></dd>
<dt>Applied to (pct)</dt><dd>{{PCT}} <span class="hint">percent of failing mail the policy applies to (a dash: all)</span></dd>
<dt>Failure reports (fo)</dt><dd>{{FO}} <span class="hint">when you asked for a report on each failing message</span></dd>
<dt>Testing</dt><dd>{{TESTING}} <span class="hint">&ldquo;y&rdquo;: report only, do not apply the policy yet</span></dd>
</dl>
<details>
<summary>What does this mean?</summary>
<div class="explain">
<p>The policy is your DMARC record as this reporter found it in DNS. <strong>p</strong> says what to do with mail that fails DMARC: none (deliver, only report), quarantine (spam folder) or reject (refuse). <strong>Relaxed</strong> alignment accepts domains of the same organisation (mail.example.com for example.com), <strong>strict</strong> only the very same domain.</p>
</div>
</details>

<h2>Records</h2>
<p>One line per sending server and outcome, as the reporter wrote it. {{SHOWN}} records shown, largest first.</p>
{{#NO_ROWS}}
<p class="empty">No records to show.</p>
{{/NO_ROWS}}
{{#ROW_TABLE}}
<div class="scroll">
<table>
<caption>Records of report {{REPORT_ID}}. Under each: every DKIM and SPF check behind the verdicts.</caption>
<thead><tr><th scope="col">Server (IP address)</th><th scope="col" class="num">Messages</th><th scope="col">Action</th><th scope="col"><abbr title="DKIM for DMARC: passed and aligned with the From: domain">DKIM</abbr></th><th scope="col"><abbr title="SPF for DMARC: passed and aligned with the From: domain">SPF</abbr></th><th scope="col">From: domain</th><th scope="col">Envelope sender</th></tr></thead>
{{#ROW}}
<tbody>
<tr><th scope="row" class="ip">{{IP}}{{#NO_IP}}<span class="empty">not given</span>{{/NO_IP}}{{#IP_RAW}} (sent as &ldquo;{{RAW}}&rdquo;){{/IP_RAW}}</th><td class="num">{{COUNT}}</td><td>{{DISPOSITION}}</td><td><span class="badge {{DKIM_EVAL_CLASS}}">{{DKIM_EVAL}}</span></td><td><span class="badge {{SPF_EVAL_CLASS}}">{{SPF_EVAL}}</span></td><td class="domain">{{HEADER_FROM}}</td><td class="domain">{{ENVELOPE_FROM}}</td></tr>
<tr class="more"><td colspan="7"><dl class="inline"><div><dt>DKIM results</dt><dd>{{DKIM_LIST}}</dd></div><div><dt>SPF results</dt><dd>{{SPF_LIST}}</dd></div>{{#REASONS}}<div><dt>Reasons given</dt><dd>{{REASONS}}</dd></div>{{/REASONS}}{{#ENVELOPE_TO}}<div><dt>Envelope recipient</dt><dd>{{ENVELOPE_TO}}</dd></div>{{/ENVELOPE_TO}}</dl></td></tr>
</tbody>
{{/ROW}}
</table>
</div>
{{/ROW_TABLE}}
{{#ROWS_OMITTED}}
<p>{{OMITTED}} more records not shown.</p>
{{/ROWS_OMITTED}}
<details>
<summary>What do these columns mean?</summary>
<dl class="terms">
<dt>Action</dt>
<dd>What the receiver did: none (delivered as usual), quarantine (spam folder), reject (refused), pass (passed DMARC).</dd>
<dt>DKIM, SPF</dt>
<dd>Whether DKIM or SPF passed <em>and</em> matched the From: domain. DMARC passes when one of the two says pass.</dd>
<dt>Envelope sender</dt>
<dd>The hidden sender address domain (where bounces go), the one SPF checks.</dd>
<dt>DKIM results, SPF results</dt>
<dd>The raw checks behind them: every signature (domain, selector, result) and SPF check (domain, scope, result), for whatever domain it was made, aligned or not.</dd>
<dt>Reasons given, envelope recipient</dt>
<dd>Shown when the receiver gave them: why it did not apply your policy (for example a forwarded message), and the recipient&rsquo;s domain.</dd>
</dl>
</details>
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
