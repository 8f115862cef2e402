{{%AUTOESCAPE context="HTML"}}
{{! overview.tpl - index.html: the week at a glance (pages.c write_overview). }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Overview - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
<link rel="stylesheet" href="{{ROOT}}style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<p class="who"><strong>{{CUSTOMER}}</strong> &middot; DMARC reports for {{WINDOW}} (UTC)</p>
<nav aria-label="Pages of this site">
<ul>
<li><a href="{{ROOT}}index.html" aria-current="page">Overview</a></li>
<li><a href="{{ROOT}}sources.html">Sending sources</a></li>
<li><a href="{{ROOT}}reporters.html">Reporters</a></li>
<li><a href="{{ROOT}}reports.html">Reports</a></li>
<li><a href="{{ROOT}}quality.html">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>How email sent in your name did</h1>
<p class="lead">{{WINDOW}}: seven full days, UTC. Figures from {{REPORTS}} reports sent by {{REPORTERS}} reporters.</p>
<div class="explain">
<p><strong>What is this?</strong> Mailbox providers such as Gmail, Outlook or Yahoo check every message that shows one of your domains in its From: address, and send the domain owner a daily summary of what they saw (a DMARC aggregate report). This site adds those reports up for one week. It shows which servers send mail in your name, and whether that mail proves it really comes from you.</p>
</div>
{{#QUARANTINE_HINT}}
<p class="callout" role="note"><strong>&#9888; Mails that could not be read:</strong> {{QUARANTINED}} (sent to your report address this week). See <a href="quality.html">Data quality</a>.</p>
{{/QUARANTINE_HINT}}
{{#FOREIGN_HINT}}
<p class="callout" role="note"><strong>&#9888; Reports about domains not registered as yours:</strong> {{FOREIGN}}. They are not counted here; see <a href="quality.html">Data quality</a>.</p>
{{/FOREIGN_HINT}}

<h2>Key figures</h2>
<div class="figures">
<div class="figure"><span class="label">Messages</span><span class="value">{{MESSAGES}}</span><span class="sub">seen by the reporting receivers</span></div>
<div class="figure"><span class="label">DMARC pass rate</span><span class="value">{{DMARC_PASS_PCT}}</span><span class="sub">{{DMARC_PASS}} passed, {{DMARC_FAIL}} failed</span><span class="hint">Passed: shown to really come from you.</span></div>
<div class="figure"><span class="label">SPF aligned</span><span class="value">{{SPF_PCT}}</span><span class="sub">{{SPF}} messages</span><span class="hint">Sent from a server your domain allows.</span></div>
<div class="figure"><span class="label">DKIM aligned</span><span class="value">{{DKIM_PCT}}</span><span class="sub">{{DKIM}} messages</span><span class="hint">Signed with your domain&rsquo;s key.</span></div>
<div class="figure"><span class="label">Reports</span><span class="value">{{REPORTS}}</span><span class="sub">from {{REPORTERS}} reporters</span><span class="hint">Daily summaries from mailbox providers.</span></div>
</div>
<details>
<summary>What do DMARC, SPF, DKIM and &ldquo;aligned&rdquo; mean?</summary>
<dl class="terms">
<dt>DMARC</dt>
<dd>A rule you publish in DNS that tells receivers how to check that a message using your domain in its From: address really comes from you, and what to do when it does not. A message <em>passes DMARC</em> when SPF or DKIM passes <em>and</em> is aligned with the From: domain. The pass rate above should be close to 100% for mail you send yourself; the rest is mail others send in your name (a forwarder, a mailing list, a service you forgot, or someone pretending to be you).</dd>
<dt>SPF</dt>
<dd>Your DNS lists the servers allowed to send mail for your domain. The receiver checks that the sending server is on that list, for the domain of the hidden sender address (the envelope sender, where bounces go).</dd>
<dt>DKIM</dt>
<dd>The sending server signs each message with a key whose public half is in your DNS. The receiver checks the signature: a valid one shows the message was sent by someone holding the key and was not changed on the way.</dd>
<dt>Aligned</dt>
<dd>A pass only counts for DMARC when the checked domain matches the domain in the From: address people see. <em>Relaxed</em> alignment (the default) accepts domains of the same organisation, so mail.example.com matches example.com. <em>Strict</em> alignment needs exactly the same domain.</dd>
</dl>
</details>

<h2>What receivers did with the messages</h2>
<p>When a message fails DMARC, the receiver may apply your policy to it. This is what the reporting receivers say they did.</p>
{{#MESSAGES_SEEN}}
<div class="scroll compact">
<table>
<caption>Messages by receiver action, {{WINDOW}}</caption>
<thead><tr><th scope="col">Action</th><th scope="col" class="num">Messages</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>
<tr><th scope="row">none</th><td class="num">{{DISP_NONE}}</td><td class="num">{{DISP_NONE_PCT}}</td></tr>
<tr class="more"><td colspan="3">No DMARC action: delivered as usual (other spam filters may still act). Mail that passed DMARC is counted here too by most receivers.</td></tr>
</tbody>
<tbody>
<tr><th scope="row">quarantine</th><td class="num">{{DISP_QUARANTINE}}</td><td class="num">{{DISP_QUARANTINE_PCT}}</td></tr>
<tr class="more"><td colspan="3">Treated as suspicious: usually delivered to the spam or junk folder.</td></tr>
</tbody>
<tbody>
<tr><th scope="row">reject</th><td class="num">{{DISP_REJECT}}</td><td class="num">{{DISP_REJECT_PCT}}</td></tr>
<tr class="more"><td colspan="3">Refused: the message was not delivered at all.</td></tr>
</tbody>
<tbody>
<tr><th scope="row">pass</th><td class="num">{{DISP_PASS}}</td><td class="num">{{DISP_PASS_PCT}}</td></tr>
<tr class="more"><td colspan="3">Passed DMARC, so no policy applied (newer reports say this instead of &ldquo;none&rdquo;).</td></tr>
</tbody>
{{#DISP_OTHER_ROW}}
<tbody>
<tr><th scope="row">other</th><td class="num">{{DISP_OTHER}}</td><td class="num">{{DISP_OTHER_PCT}}</td></tr>
<tr class="more"><td colspan="3">The report gave no action, or one this tool does not know.</td></tr>
</tbody>
{{/DISP_OTHER_ROW}}
</table>
</div>
{{/MESSAGES_SEEN}}
{{#NO_MESSAGES}}
<p class="empty">No messages were reported for these days, so there was nothing to act on.</p>
{{/NO_MESSAGES}}

<h2>Day by day</h2>
{{#MESSAGES_SEEN}}
<div class="daily">
<figure class="chart">
<svg viewBox="0 0 {{CHART_W}} {{CHART_H}}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">Messages per day that passed and failed DMARC, {{WINDOW}}</title>
<desc id="chart-desc">Bar chart: one bar per day. The solid lower part is the messages that passed DMARC, the hatched upper part the messages that failed. The same figures are in the table &ldquo;Messages per day&rdquo;.</desc>
<defs>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect class="hatch-bg" width="6" height="6"/>
<line class="hatch-line" x1="0" y1="0" x2="0" y2="6"/>
</pattern>
</defs>
{{#TICK}}
<line class="grid" x1="{{PLOT_LEFT}}" x2="{{PLOT_RIGHT}}" y1="{{Y}}" y2="{{Y}}"/>
<text class="tick" x="{{AXIS_LABEL_X}}" y="{{LABEL_Y}}">{{VALUE}}</text>
{{/TICK}}
{{#DAY}}
<g>
<title>{{LABEL}}: {{PASS}} passed, {{FAIL}} failed</title>
<rect class="pass" x="{{X}}" y="{{PASS_Y}}" width="{{W}}" height="{{PASS_H}}"/>
<rect class="fail" fill="url(#hatch)" x="{{X}}" y="{{FAIL_Y}}" width="{{W}}" height="{{FAIL_H}}"/>
{{#DAY_TOTAL}}
<text class="total" x="{{MID_X}}" y="{{TOTAL_Y}}">{{TOTAL_SHORT}}</text>
{{/DAY_TOTAL}}
<text class="day" x="{{MID_X}}" y="{{DAY_LABEL_Y}}">{{SHORT}}</text>
</g>
{{/DAY}}
<line class="axis" x1="{{PLOT_LEFT}}" x2="{{PLOT_RIGHT}}" y1="{{PLOT_BOTTOM}}" y2="{{PLOT_BOTTOM}}"/>
</svg>
<figcaption>
<ul class="keys">
<li><svg class="key" viewBox="0 0 14 14" aria-hidden="true"><rect class="pass" width="14" height="14"/></svg> Passed DMARC (solid)</li>
<li><svg class="key" viewBox="0 0 14 14" aria-hidden="true"><rect class="fail" fill="url(#hatch)" x="0.5" y="0.5" width="13" height="13"/></svg> Failed DMARC (hatched)</li>
</ul>
Messages per day. A day&rsquo;s messages come from the reports covering it; a report spanning several days is shared out over them.
</figcaption>
</figure>
<div class="scroll compact">
<table>
<caption>Messages per day</caption>
<thead><tr><th scope="col">Day</th><th scope="col" class="num">Passed DMARC</th><th scope="col" class="num">Failed DMARC</th><th scope="col" class="num">Pass rate</th></tr></thead>
<tbody>
{{#DAY}}
<tr><th scope="row" class="nowrap"><time datetime="{{DATE}}">{{SHORT}}<span class="month"> {{MONTH}}</span></time></th><td class="num">{{PASS}}</td><td class="num">{{FAIL}}</td><td class="num">{{PASS_PCT}}</td></tr>
{{/DAY}}
</tbody>
</table>
</div>
</div>
{{/MESSAGES_SEEN}}
{{#NO_MESSAGES}}
<p class="empty">No messages were reported for these days.</p>
{{/NO_MESSAGES}}

<h2>Your DMARC policy, as receivers saw it</h2>
<p>Each receiver looks up your DMARC record in DNS and copies what it found into its report. Normally every receiver sees the same policy for a domain.</p>
{{#DISAGREEMENT}}
<div class="callout" role="note">
<p><strong>&#9888; Receivers disagree</strong> about the policy of {{#DISAGREE_DOMAIN}}<strong>{{DOMAIN}}</strong>{{#DISAGREE_DOMAIN_separator}}, {{/DISAGREE_DOMAIN_separator}}{{/DISAGREE_DOMAIN}}. They saw different records (marked below). Usually the record was changed during the week and receivers looked it up at different times; otherwise the domain&rsquo;s DNS servers give different answers, which should be fixed.</p>
</div>
{{/DISAGREEMENT}}
{{#NO_POLICY}}
<p class="empty">No policy was reported.</p>
{{/NO_POLICY}}
{{#POLICY_TABLE}}
<div class="scroll">
<table>
<caption>Published policy per domain</caption>
<thead><tr><th scope="col">Domain</th><th scope="col"><abbr title="p: what to do with mail that fails DMARC">Policy</abbr></th><th scope="col"><abbr title="sp: the policy for subdomains">Sub&shy;domains</abbr></th><th scope="col"><abbr title="np: the policy for subdomains that do not exist">Unused sub&shy;domains</abbr></th><th scope="col"><abbr title="adkim: DKIM alignment, relaxed or strict">DKIM align&shy;ment</abbr></th><th scope="col"><abbr title="aspf: SPF alignment, relaxed or strict">SPF align&shy;ment</abbr></th><th scope="col" class="num"><abbr title="pct: the percentage of failing mail the policy is applied to">Applied to</abbr></th><th scope="col"><abbr title="t: report only, do not apply the policy yet">Testing</abbr></th><th scope="col" class="num">Reports</th></tr></thead>
{{#POLICY}}
<tbody{{#DISAGREE}} class="disagree"{{/DISAGREE}}>
<tr><th scope="row"><span class="domain">{{DOMAIN}}</span>{{#DISAGREE}}<span class="mark"><span class="badge warn">&#9888; receivers differ</span></span>{{/DISAGREE}}</th><td>{{P}}</td><td>{{SP}}</td><td>{{NP}}</td><td class="nowrap">{{ADKIM}}</td><td class="nowrap">{{ASPF}}</td><td class="num">{{PCT}}</td><td>{{TESTING}}</td><td class="num">{{REPORTS}}</td></tr>
<tr class="more"><td colspan="9"><dl class="inline"><div><dt>Seen by</dt><dd>{{REPORTERS}}</dd></div></dl></td></tr>
</tbody>
{{/POLICY}}
</table>
</div>
{{/POLICY_TABLE}}
<details>
<summary>What do these columns mean?</summary>
<dl class="terms">
<dt>Policy (p)</dt>
<dd>What you ask receivers to do with mail that fails DMARC: <strong>none</strong> (only report, deliver as usual: the safe start), <strong>quarantine</strong> (treat as suspicious, usually the spam folder), <strong>reject</strong> (refuse it).</dd>
<dt>Subdomains (sp), unused subdomains (np)</dt>
<dd>The same, for subdomains such as news.example.com, and for subdomains that do not exist at all. A dash means the main policy applies.</dd>
<dt>DKIM alignment, SPF alignment (adkim, aspf)</dt>
<dd><strong>Relaxed</strong> (the default): the signing or sending domain only has to belong to the same organisation as the From: domain (mail.example.com matches example.com). <strong>Strict</strong>: it must be exactly the From: domain.</dd>
<dt>Applied to (pct)</dt>
<dd>The percentage of failing mail the policy is applied to; 100 when not given.</dd>
<dt>Testing (t)</dt>
<dd>&ldquo;y&rdquo; means you asked receivers to report only and not to apply the policy yet (newer reports only).</dd>
<dt>Reports, seen by</dt>
<dd>How many reports showed this policy, and which receivers sent them.</dd>
</dl>
</details>
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
