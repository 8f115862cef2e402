{{%AUTOESCAPE context="HTML"}}
{{! archive.tpl - <slug>/archive.html: every dated site of one customer. }}
{{! Written by dr_pages_write_archive (pages.c), not by dr_pages_write. }}
{{! Variables: NAME (customer name), SLUG.  Section ARCHIVE, once per dated }}
{{! site in the order given (newest first): DATE ("YYYY-MM-DD", the render }}
{{! date naming the directory), LABEL (the week it covers, in words), }}
{{! HREF ("<date>/index.html").  Section NO_ARCHIVE when there is none. }}
{{! Section STYLE, with CSS ("<newest date>/style.css"): the archive has }}
{{! no style sheet of its own and borrows the newest site's. }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>All weeks - {{NAME}} - DMARC reports</title>
{{#STYLE}}
<link rel="stylesheet" href="{{CSS}}">
{{/STYLE}}
</head>
<body>
<header class="site">
<p class="who"><strong>{{NAME}}</strong> &middot; DMARC reports</p>
<nav aria-label="Pages of this site">
<ul>
<li><a href="index.html">Latest week</a></li>
<li><a href="archive.html" aria-current="page">All weeks</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>All weeks</h1>
<p class="lead">One site per day it was made, each covering the seven days before that day.</p>
{{#NO_ARCHIVE}}
<p class="empty">No site has been made yet.</p>
{{/NO_ARCHIVE}}
<ul>
{{#ARCHIVE}}
<li><a href="{{HREF}}"><time datetime="{{DATE}}">{{DATE}}</time></a>: {{LABEL}}</li>
{{/ARCHIVE}}
</ul>
</main>
</body>
</html>
