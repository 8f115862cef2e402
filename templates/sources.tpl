{{%AUTOESCAPE context="HTML"}}
{{! sources.tpl - sources.html: one row per source IP and From: domain. }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sending sources - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
<link rel="stylesheet" href="{{ROOT}}style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<p class="who"><strong>{{CUSTOMER}}</strong> &middot; DMARC reports for {{WINDOW}} (UTC)</p>
<nav aria-label="Pages of this site">
<ul>
<li><a href="{{ROOT}}index.html">Overview</a></li>
<li><a href="{{ROOT}}sources.html" aria-current="page">Sending sources</a></li>
<li><a href="{{ROOT}}reporters.html">Reporters</a></li>
<li><a href="{{ROOT}}reports.html">Reports</a></li>
<li><a href="{{ROOT}}quality.html">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>Sending sources</h1>
<p class="lead">Every server that sent mail with one of your domains in the From: address, {{WINDOW}}. Sources with the most failing mail come first.</p>
<ul class="legend">
<li><span class="badge ok">&#10003; OK</span> Passes DMARC through both SPF and DKIM: everything is set up.</li>
<li><span class="badge partly">&#9681; Partly OK</span> Passes DMARC through one of them only. Mail is accepted, but one check is missing: it breaks when mail is forwarded (SPF) or when the key changes (DKIM).</li>
<li><span class="badge failing">&#10007; Failing</span> Fails DMARC: neither SPF nor DKIM matches your domain. If this is a service you use, it needs your SPF record or a DKIM key; if you do not know the server, someone may be sending mail in your name.</li>
</ul>
<p>{{SOURCES}} sources: {{N_OK}} OK ({{M_OK}} messages), {{N_PARTLY}} partly OK ({{M_PARTLY}} messages), {{N_FAILING}} failing ({{M_FAILING}} messages).</p>
{{#NO_SOURCES}}
<p class="empty">No mail was reported for these days.</p>
{{/NO_SOURCES}}
{{#SOURCE_TABLE}}
<div class="scroll medium">
<table>
<caption>Sources by failing messages. Under each: the DKIM signatures and SPF checks the receivers saw.</caption>
<thead><tr><th scope="col">Status, server (IP address) and From: domain</th><th scope="col" class="num">Messages</th><th scope="col" class="num">Failed DMARC</th><th scope="col" class="num"><abbr title="Passed SPF for a domain matching the From: domain">SPF aligned</abbr></th><th scope="col" class="num"><abbr title="Passed DKIM for a domain matching the From: domain">DKIM aligned</abbr></th></tr></thead>
{{#SOURCE}}
<tbody class="{{CLASS}}">
<tr><th scope="row" class="source">{{#CLASS_OK}}<span class="badge ok">&#10003; OK</span>{{/CLASS_OK}}{{#CLASS_PARTLY}}<span class="badge partly">&#9681; Partly OK</span>{{/CLASS_PARTLY}}{{#CLASS_FAILING}}<span class="badge failing">&#10007; Failing</span>{{/CLASS_FAILING}} <span class="ip">{{IP}}{{#NO_IP}}<span class="empty">not given</span>{{/NO_IP}}</span> <span class="from">From: {{HEADER_FROM}}</span></th><td class="num">{{MESSAGES}}</td><td class="num">{{FAILING}}<span class="pct">{{FAILING_PCT}}</span></td><td class="num">{{SPF}}<span class="pct">{{SPF_PCT}}</span></td><td class="num">{{DKIM}}<span class="pct">{{DKIM_PCT}}</span></td></tr>
<tr class="more"><td colspan="5"><dl class="inline"><div><dt>DKIM signatures</dt><dd>{{DKIM_LIST}}</dd></div><div><dt>SPF checked for</dt><dd>{{SPF_LIST}}</dd></div><div><dt>Envelope sender</dt><dd>{{ENVELOPE_FROM}}</dd></div></dl></td></tr>
</tbody>
{{/SOURCE}}
</table>
</div>
{{/SOURCE_TABLE}}
{{#OMITTED}}
<p>{{OMITTED}} more sources with {{OMITTED_MESSAGES}} messages not shown.</p>
{{/OMITTED}}
<details>
<summary>What do these columns mean?</summary>
<dl class="terms">
<dt>Server (IP address)</dt>
<dd>The internet address of the server that handed the mail to the receiver.</dd>
<dt>From: domain</dt>
<dd>The domain in the From: address readers see.</dd>
<dt>Failed DMARC</dt>
<dd>Messages that neither SPF nor DKIM proved to come from you, and the share of the source&rsquo;s messages they are.</dd>
<dt>SPF aligned, DKIM aligned</dt>
<dd>How many of the messages passed SPF or DKIM for a domain matching the From: domain. DMARC passes when at least one of the two does.</dd>
<dt>DKIM signatures</dt>
<dd>The domains that signed the messages, with the selector (the name of the key) in brackets.</dd>
<dt>SPF checked for, envelope sender</dt>
<dd>The domain SPF was checked for, and the hidden sender address domain (where bounces go) that the receiver reported.</dd>
</dl>
</details>
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
