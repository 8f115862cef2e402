{{%AUTOESCAPE context="HTML"}}
{{! reporters.tpl - reporters.html: one row per reporting organisation. }}
{{! Variables set on every page: CUSTOMER, SLUG, WINDOW, WINDOW_START, }}
{{! WINDOW_LAST, GENERATED, ROOT (prefix of links to the other pages). }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reporters - {{CUSTOMER}} - DMARC reports {{WINDOW}}</title>
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
<li><a href="{{ROOT}}reporters.html" aria-current="page">Reporters</a></li>
<li><a href="{{ROOT}}reports.html">Reports</a></li>
<li><a href="{{ROOT}}quality.html">Data quality</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>Reporters</h1>
<p class="lead">The mailbox providers that sent reports about mail in your name, {{WINDOW}}.</p>
<p>A reporter only sees the mail sent to its own users, so each one shows a part of the picture; together they show most of it.</p>
{{#NO_REPORTERS}}
<p class="empty">No reports were received for these days.</p>
{{/NO_REPORTERS}}
{{#REPORTER_TABLE}}
<div class="scroll">
<table>
<caption>Reporters by messages</caption>
<thead><tr><th scope="col">Organisation</th><th scope="col">Contact</th><th scope="col" class="num">Reports</th><th scope="col" class="num">Messages</th><th scope="col">Latest report up to</th></tr></thead>
<tbody>
{{#REPORTER}}
<tr><th scope="row" class="name">{{ORG}}</th><td class="list">{{EMAIL}}</td><td class="num">{{REPORTS}}</td><td class="num">{{MESSAGES}}</td><td class="nowrap">{{LAST}}</td></tr>
{{/REPORTER}}
</tbody>
</table>
</div>
{{/REPORTER_TABLE}}
</main>
<footer>
<p>Generated on {{GENERATED}} by dmarc-rua from the DMARC aggregate reports that mailbox providers sent about your domains. All times are UTC. <a href="{{ROOT}}../archive.html">Earlier weeks</a></p>
</footer>
</body>
</html>
