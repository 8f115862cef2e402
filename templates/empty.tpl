{{%AUTOESCAPE context="HTML"}}
{{! empty.tpl - index.html when no report covers the window (pages.c write_empty). }}
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
<h1>No reports received in this window</h1>
<p class="lead">{{WINDOW}}: seven full days, UTC.</p>
<p>No DMARC aggregate report about your domains arrived for these days. This is not an error in this site: reports only come when mailbox providers receive mail in your name and find your DMARC record.</p>
{{#QUARANTINE_HINT}}
<p class="callout" role="note"><strong>&#9888; Mails that could not be read:</strong> {{QUARANTINED}} (sent to your report address this week). See <a href="quality.html">Data quality</a>.</p>
{{/QUARANTINE_HINT}}
{{#FOREIGN_HINT}}
<p class="callout" role="note"><strong>&#9888; Reports about domains not registered as yours:</strong> {{FOREIGN}}. See <a href="quality.html">Data quality</a>.</p>
{{/FOREIGN_HINT}}

<h2>What is set up</h2>
<h3>Report addresses</h3>
<p>Reports are read when they are sent to:</p>
<ul>
{{#ADDRESS}}
<li class="mono">{{ADDRESS}}</li>
{{/ADDRESS}}
{{#NO_ADDRESS}}
<li class="empty">No report address is set up yet: ask your provider.</li>
{{/NO_ADDRESS}}
</ul>
<h3>Your domains</h3>
<ul>
{{#DOMAIN}}
<li>{{DOMAIN}}</li>
{{/DOMAIN}}
{{#NO_DOMAIN}}
<li class="empty">No domain is registered yet: ask your provider.</li>
{{/NO_DOMAIN}}
</ul>

<h2>What to check</h2>
<ul>
<li>Each domain needs a DMARC record in DNS, a TXT record named <span class="mono">_dmarc.</span> followed by the domain, containing <span class="mono">rua=mailto:</span> and one of the report addresses above.</li>
<li>Providers send reports once a day, for the day before: after publishing the record, allow two days.</li>
<li>Small domains that send little mail may get no report on some days.</li>
</ul>
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
