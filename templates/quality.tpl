{{%AUTOESCAPE context="HTML"}}
{{! quality.tpl - quality.html: unreadable mails, foreign reports, odd data. }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data quality - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
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
<li><a href="{{ROOT}}quality.html" aria-current="page">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>Data quality</h1>
<p class="lead">What could not be counted, or looked odd, {{WINDOW}}. Nothing here needs action from you unless it keeps happening.</p>

<h2>Mails that could not be read</h2>
<p>Mails that reached your report address but held no usable report. They are kept aside, so they can be read again once the problem is fixed.</p>
{{#NO_QUARANTINED}}
<p class="empty">None: every mail to your report address could be read.</p>
{{/NO_QUARANTINED}}
{{#QUARANTINED_TABLE}}
<div class="scroll">
<table>
<caption>Unreadable mails, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Reason</th><th scope="col">Detail</th></tr></thead>
{{#QUARANTINED}}
<tbody>
<tr><td class="nowrap">{{RECEIVED}}</td><td class="mono nowrap">{{REASON}}</td><td class="list">{{DETAIL}}</td></tr>
<tr class="more"><td colspan="3">{{#R_NOT_A_REPORT}}The mail held no DMARC report: for example an auto-reply, a bounce, or spam sent to the report address.{{/R_NOT_A_REPORT}}{{#R_BAD_XML}}The report was damaged or not in the expected format (broken XML), so it could not be read.{{/R_BAD_XML}}{{#R_BAD_DATA}}The report could be read but held impossible values (such as a message count that is not a number), so its figures could not be trusted.{{/R_BAD_DATA}}{{#R_BAD_ARCHIVE}}The attached zip or gzip file was damaged.{{/R_BAD_ARCHIVE}}{{#R_TOO_LARGE}}The mail or the report in it was larger than the configured limits.{{/R_TOO_LARGE}}{{#R_UNKNOWN_RECIPIENT}}The mail went to a report address that was not set up at the time.{{/R_UNKNOWN_RECIPIENT}}{{#R_OTHER}}Another problem; your provider can look into it.{{/R_OTHER}}</td></tr>
</tbody>
{{/QUARANTINED}}
</table>
</div>
{{/QUARANTINED_TABLE}}

<h2>Reports about domains that are not yours</h2>
<p>Your domains: {{#OWN_DOMAIN}}<strong>{{DOMAIN}}</strong>{{#OWN_DOMAIN_separator}}, {{/OWN_DOMAIN_separator}}{{/OWN_DOMAIN}}{{#NO_OWN_DOMAIN}}<span class="empty">none registered</span>{{/NO_OWN_DOMAIN}}. Reports about other domains are kept but not counted on the other pages; usually someone copied your report address into their own DMARC record.</p>
{{#NO_FOREIGN}}
<p class="empty">None.</p>
{{/NO_FOREIGN}}
{{#FOREIGN_TABLE}}
<div class="scroll">
<table>
<caption>Reports about other domains</caption>
<thead><tr><th scope="col">Reporter</th><th scope="col">Domain</th><th scope="col">Report ID</th><th scope="col">Period (UTC)</th><th scope="col" class="num">Messages</th></tr></thead>
<tbody>
{{#FOREIGN_REPORT}}
<tr><td class="name">{{ORG}}</td><td class="domain">{{DOMAIN}}</td><td class="list"><a href="report/{{ID}}.html">{{REPORT_ID}}</a></td><td class="period"><span>{{PERIOD_FROM}} -</span> <span>{{PERIOD_TO}}</span></td><td class="num">{{MESSAGES}}</td></tr>
{{/FOREIGN_REPORT}}
</tbody>
</table>
</div>
{{/FOREIGN_TABLE}}

<h2>Odd data from reporters</h2>
<p>Reports that were counted but held something unusual, such as a server address that is not an IP address. The figures are still right; the reporter's software is at fault.</p>
{{#NO_ODD}}
<p class="empty">None.</p>
{{/NO_ODD}}
{{#ODD}}
<h3>{{ORG}}, report <a href="report/{{ID}}.html">{{REPORT_ID}}</a></h3>
<ul>
{{#NOTE}}
<li>{{NOTE}}</li>
{{/NOTE}}
</ul>
{{/ODD}}
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
