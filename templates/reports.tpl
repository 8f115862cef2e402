{{%AUTOESCAPE context="HTML"}}
{{! reports.tpl - reports.html: every report overlapping the window. }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reports - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
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
<li><a href="{{ROOT}}reports.html" aria-current="page">Reports</a></li>
<li><a href="{{ROOT}}quality.html">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>Reports</h1>
<p class="lead">All {{REPORTS}} reports that cover part of {{WINDOW}}. Open one to see every line of it.</p>
<p>A report may cover days outside this week; &ldquo;This week&rdquo; counts only its share of messages on the days shown here.</p>
{{#NO_REPORTS}}
<p class="empty">No reports were received for these days.</p>
{{/NO_REPORTS}}
{{#REPORT_TABLE}}
<div class="scroll">
<table>
<caption>Reports, newest first</caption>
<thead><tr><th scope="col">Reporter</th><th scope="col">Report ID</th><th scope="col">Domain</th><th scope="col">Period (UTC)</th><th scope="col" class="num">Messages</th><th scope="col" class="num">This week</th><th scope="col" class="num">Records</th></tr></thead>
<tbody>
{{#REPORT}}
<tr><td class="name">{{ORG}}</td><th scope="row" class="list"><a href="report/{{ID}}.html">{{REPORT_ID}}</a>{{#FOREIGN}}<span class="mark"><span class="badge warn">&#9888; not your domain</span></span>{{/FOREIGN}}{{#HAS_NOTES}}<span class="mark"><span class="badge other">data notes: {{NOTE_COUNT}}</span></span>{{/HAS_NOTES}}</th><td class="domain">{{DOMAIN}}</td><td class="period"><span>{{PERIOD_FROM}} -</span> <span>{{PERIOD_TO}}</span></td><td class="num">{{MESSAGES}}</td><td class="num">{{WINDOW_MESSAGES}}</td><td class="num">{{RECORDS}}</td></tr>
{{/REPORT}}
</tbody>
</table>
</div>
{{/REPORT_TABLE}}
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
