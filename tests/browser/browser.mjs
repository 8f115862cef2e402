// browser.mjs - a rendered customer site, opened in headless Chromium.
//
// usage: node browser.mjs [--site DIR]... [--empty DIR]...
//
// DIR is one customer's output directory (<output>/<slug>): its stable
// index.html and archive.html, and the dated sites beside them.  Every
// .html file under DIR is opened from file://, at desktop width and at
// phone width, and fails on:
//   - any console error or warning, uncaught exception, dialog (alert),
//     popup, request to anything but a local file, or failed request;
//   - style.css not loaded, or loaded but changing nothing;
//   - no <title>, no <h1>, no lang, not UTF-8, no viewport meta, an
//     <img> without alt, a <script>, a duplicate id;
//   - a link to a missing file, a directory (a listing under file://),
//     a missing #fragment, or anything but a local file or mailto:;
//   - at phone width, the whole page scrolling sideways: wide tables
//     must scroll inside their own wrapper.
// The overview of a --site (not of an --empty one: a customer without
// data has no chart) must hold the daily chart, an inline <svg> with a
// <title>.  Screenshots of each stable overview go to $DR_SCREENSHOTS
// (default: screenshots/ beside this file) as <slug>-overview-desktop.png
// and <slug>-overview-phone.png.
//
// Output is TAP without test numbers (tests/browser.sh numbers the
// lines); exit 1 when anything failed, 2 on a usage or launch error.
// Chromium is $CHROMIUM or /usr/bin/chromium; playwright-core comes from
// $DR_NODE_MODULES or node_modules/ beside this file (npm ci).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const LOAD_TIMEOUT_MS = 15000;
// Chromium as the machine's closed network needs it: no background
// connections, no update checks, no first-run work.
const CHROMIUM_ARGS = [
	'--no-sandbox', '--disable-gpu', '--no-first-run',
	'--disable-background-networking', '--disable-component-update',
	'--disable-sync', '--disable-quic',
];

let failed = 0;
let count = 0;

function report(desc, problems) {
	count++;
	if (problems.length === 0) {
		console.log(`ok - ${desc}`);
		return;
	}
	failed++;
	console.log(`not ok - ${desc}`);
	// A broken template repeats one problem on every row: the first few
	// say enough.
	for (const p of problems.slice(0, 10))
		console.log(`#   ${p.replace(/\n/g, ' ')}`);
	if (problems.length > 10)
		console.log(`#   ... and ${problems.length - 10} more`);
}

function usage(msg) {
	console.error(`browser.mjs: ${msg}`);
	console.error('usage: node browser.mjs [--site DIR]... [--empty DIR]...');
	process.exit(2);
}

function parseArgs(argv) {
	const sites = [];
	for (let i = 0; i < argv.length; i++) {
		const kind = argv[i];
		if (kind !== '--site' && kind !== '--empty')
			usage(`unknown argument '${kind}'`);
		const dir = argv[++i];
		if (dir === undefined)
			usage(`${kind} needs a directory`);
		if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
			usage(`${dir}: not a directory`);
		sites.push({ dir: path.resolve(dir), chart: kind === '--site' });
	}
	if (sites.length === 0)
		usage('no site given');
	return sites;
}

function loadPlaywright() {
	const modules = process.env.DR_NODE_MODULES ||
	    path.join(here, 'node_modules');
	const require = createRequire(import.meta.url);
	try {
		return require(path.join(path.resolve(modules),
		    'playwright-core'));
	} catch (e) {
		console.error(`browser.mjs: cannot load playwright-core from ` +
		    `${modules} (npm ci --prefix tests/browser): ${e.message}`);
		process.exit(2);
	}
}

// Every .html file under dir, sorted, so the output is stable.
function htmlFiles(dir) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory())
			out.push(...htmlFiles(p));
		else if (e.isFile() && e.name.endsWith('.html'))
			out.push(p);
	}
	return out.sort();
}

// Opens url in a fresh page of context; returns the page (to inspect,
// then close) and the list of problems seen while it loaded.
async function open(context, url) {
	const page = await context.newPage();
	const problems = [];

	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.push(`console ${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('request', (r) => {
		const u = r.url();
		if (!u.startsWith('file:') && !u.startsWith('data:'))
			problems.push(`request to ${u}`);
	});
	page.on('requestfailed', (r) => problems.push(
	    `request failed: ${r.url()} (${r.failure()?.errorText})`));
	page.on('dialog', (d) => {
		problems.push(`dialog (${d.type()}): ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on('popup', (p) => problems.push(`popup: ${p.url()}`));
	try {
		await page.goto(url, { waitUntil: 'load',
		    timeout: LOAD_TIMEOUT_MS });
	} catch (e) {
		problems.push(`load: ${e.message.split('\n')[0]}`);
	}
	return { page, problems };
}

// Runs in the page: what the checks need, gathered in one go.
function inspect() {
	const short = (e) => e.tagName.toLowerCase() +
	    (e.id ? `#${e.id}` : '') +
	    (e.classList.length ? `.${[...e.classList].join('.')}` : '');

	// Computed styles of a few elements every page has, with style.css
	// on and off: if they do not differ, the stylesheet applies nothing.
	const probe = () => ['body', 'h1', 'table', 'th', 'a', 'main',
	    'header', 'footer'].map((sel) => {
		const e = document.querySelector(sel);
		if (e === null)
			return '';
		const s = getComputedStyle(e);
		return [s.fontFamily, s.fontSize, s.lineHeight, s.color,
		    s.backgroundColor, s.margin, s.padding, s.maxWidth,
		    s.borderBottom, s.borderCollapse, s.display].join('|');
	}).join('\n');
	const css = [...document.styleSheets].filter((s) =>
	    s.href !== null && new URL(s.href).pathname.endsWith('/style.css'));
	const styled = probe();
	css.forEach((s) => { s.disabled = true; });
	const unstyled = probe();
	css.forEach((s) => { s.disabled = false; });

	const ids = new Map();
	for (const e of document.querySelectorAll('[id]'))
		ids.set(e.id, (ids.get(e.id) || 0) + 1);

	const links = [...document.querySelectorAll('a[href]')].map((a) => ({
		attr: a.getAttribute('href'),
		url: a.href,
	}));

	const svgs = [...document.querySelectorAll('svg')].map((s) => {
		const t = s.querySelector(':scope > title');
		return t === null ? null : t.textContent.trim();
	});

	const viewport = document.querySelector('meta[name="viewport"]');
	return {
		sheets: document.styleSheets.length,
		cssHrefs: css.map((s) => s.href),
		styleApplies: css.length > 0 && styled !== unstyled,
		title: document.title.trim(),
		h1: document.querySelectorAll('h1').length,
		lang: document.documentElement.getAttribute('lang') || '',
		charset: document.characterSet,
		viewport: viewport === null ? '' :
		    viewport.getAttribute('content') || '',
		imgsWithoutAlt: [...document.images].filter((i) =>
		    !i.hasAttribute('alt')).map((i) => i.outerHTML.slice(0, 80)),
		scripts: document.scripts.length,
		dupIds: [...ids].filter(([, n]) => n > 1).map(([id]) => id),
		links,
		svgs,
		fragmentsMissing: links.filter((l) => {
			const u = new URL(l.url);
			return u.hash.length > 1 &&
			    u.href.split('#')[0] === location.href.split('#')[0] &&
			    document.getElementById(
				decodeURIComponent(u.hash.slice(1))) === null;
		}).map((l) => l.attr),
		// Elements sticking out past the viewport that no scrolling
		// ancestor holds in: what makes the page scroll sideways.
		wide: (() => {
			const vw = document.documentElement.clientWidth;
			const out = [];
			for (const e of document.body.querySelectorAll('*')) {
				if (e.getBoundingClientRect().right <= vw + 1)
					continue;
				let held = false;
				for (let a = e.parentElement; a !== null &&
				    a !== document.body; a = a.parentElement) {
					const o = getComputedStyle(a).overflowX;
					if (o !== 'visible') {
						held = true;
						break;
					}
				}
				if (!held && !out.some((o) => o.contains(e)))
					out.push(e);
			}
			return out.slice(0, 5).map((e) => `${short(e)} ` +
			    `(right edge ${Math.round(
				e.getBoundingClientRect().right)} px)`);
		})(),
		scrollWidth: document.documentElement.scrollWidth,
		location: location.href,
	};
}

function sanity(info) {
	const p = [];
	if (info.title === '')
		p.push('no <title>');
	if (info.h1 === 0)
		p.push('no <h1>');
	if (info.lang === '')
		p.push('no lang attribute on <html>');
	if (info.charset !== 'UTF-8')
		p.push(`character set ${info.charset}, not UTF-8`);
	if (!/width\s*=\s*device-width/.test(info.viewport))
		p.push('no <meta name="viewport" content="width=device-width">');
	for (const i of info.imgsWithoutAlt)
		p.push(`<img> without alt: ${i}`);
	if (info.scripts > 0)
		p.push(`${info.scripts} <script> element(s)`);
	for (const id of info.dupIds)
		p.push(`duplicate id "${id}"`);
	return p;
}

function linkProblems(info) {
	const p = [];
	const page = info.location.split('#')[0];
	for (const { attr, url } of info.links) {
		const u = new URL(url);
		if (u.protocol === 'mailto:')
			continue;
		// A <base> turns "#x" into a link to another document.
		if (attr.startsWith('#') && url.split('#')[0] !== page) {
			p.push(`"${attr}" leaves the page: it points to ${url}`);
			continue;
		}
		if (u.protocol !== 'file:') {
			p.push(`link to ${u.protocol} URL: ${attr}`);
			continue;
		}
		u.hash = '';
		u.search = '';
		const st = fs.statSync(fileURLToPath(u),
		    { throwIfNoEntry: false });
		if (st === undefined)
			p.push(`link to a missing file: ${attr}`);
		else if (st.isDirectory())
			p.push(`link to a directory (a file listing from ` +
			    `file://): ${attr}`);
	}
	for (const f of info.fragmentsMissing)
		p.push(`link to a missing fragment: ${f}`);
	return p;
}

async function checkPage(ctx, site, file, shots) {
	const rel = path.relative(path.dirname(site.dir), file);
	const url = pathToFileURL(file).href;
	const stable = file === path.join(site.dir, 'index.html');
	const overview = path.basename(file) === 'index.html' &&
	    (stable || path.dirname(path.dirname(file)) === site.dir);

	const d = await open(ctx.desktop, url);
	const info = await d.page.evaluate(inspect).catch((e) => {
		d.problems.push(`inspect: ${e.message.split('\n')[0]}`);
		return null;
	});
	if (stable && info !== null) {
		const shot = path.join(shots,
		    `${path.basename(site.dir)}-overview-desktop.png`);
		await d.page.screenshot({ path: shot, fullPage: true });
	}
	await d.page.close();

	const m = await open(ctx.phone, url);
	const phone = await m.page.evaluate(inspect).catch((e) => {
		m.problems.push(`inspect: ${e.message.split('\n')[0]}`);
		return null;
	});
	if (stable && phone !== null) {
		const shot = path.join(shots,
		    `${path.basename(site.dir)}-overview-phone.png`);
		await m.page.screenshot({ path: shot, fullPage: true });
	}
	await m.page.close();

	report(`${rel}: loads from file:// with no console message, error ` +
	    'or network request', [...d.problems,
	    ...m.problems.map((x) => `phone: ${x}`)]);
	if (info === null || phone === null)
		return;
	const css = [];
	if (info.sheets < 1)
		css.push('no stylesheet loaded');
	else if (info.cssHrefs.length === 0)
		css.push('no style.css among the stylesheets');
	else if (!info.styleApplies)
		css.push(`style.css (${info.cssHrefs[0]}) changes nothing`);
	report(`${rel}: style.css loads and applies`, css);
	report(`${rel}: title, h1, lang, UTF-8, viewport, img alt, ` +
	    'no script, unique ids', sanity(info));
	report(`${rel}: links lead to existing local pages`,
	    linkProblems(info));
	const wide = [];
	if (phone.scrollWidth > PHONE.width + 1) {
		wide.push(`page is ${phone.scrollWidth} px wide at ` +
		    `${PHONE.width} px`);
		wide.push(...phone.wide.map((w) => `too wide: ${w}`));
	}
	report(`${rel}: no sideways scrolling at ${PHONE.width} px`, wide);
	if (overview && site.chart) {
		const svg = [];
		if (info.svgs.length === 0)
			svg.push('no inline <svg> chart');
		else if (!info.svgs.some((t) => t))
			svg.push('the <svg> chart has no (or an empty) <title>');
		report(`${rel}: daily chart is an inline SVG with a <title>`,
		    svg);
	}
}

async function main() {
	const sites = parseArgs(process.argv.slice(2));
	const { chromium } = loadPlaywright();
	const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
	const shots = path.resolve(process.env.DR_SCREENSHOTS ||
	    path.join(here, 'screenshots'));
	fs.mkdirSync(shots, { recursive: true });

	let browser;
	try {
		browser = await chromium.launch({ executablePath,
		    headless: true, args: CHROMIUM_ARGS });
	} catch (e) {
		console.error(`browser.mjs: cannot start ${executablePath}: ` +
		    e.message.split('\n')[0]);
		process.exit(2);
	}
	const ctx = {
		desktop: await browser.newContext({ viewport: DESKTOP }),
		phone: await browser.newContext({ viewport: PHONE,
		    deviceScaleFactor: 1, isMobile: true, hasTouch: true }),
	};
	// Nothing leaves the machine even if a page asks: the request is
	// still reported by open(), then aborted here.
	for (const c of Object.values(ctx)) {
		await c.route((u) => u.protocol !== 'file:' &&
		    u.protocol !== 'data:', (r) => r.abort('blockedbyclient'));
	}

	for (const site of sites) {
		const files = htmlFiles(site.dir);
		const slug = path.basename(site.dir);
		const want = [`${slug}-overview-desktop.png`,
		    `${slug}-overview-phone.png`];
		// Not passed by last run's pictures.
		for (const f of want)
			fs.rmSync(path.join(shots, f), { force: true });
		const missing = ['index.html', 'archive.html']
		    .filter((f) => !files.includes(path.join(site.dir, f)));
		report(`${slug}: has index.html and archive.html`,
		    missing.map((f) => `missing ${f}`));
		for (const f of files)
			await checkPage(ctx, site, f, shots);
		report(`${slug}: overview screenshots in ${shots}`,
		    want.filter((f) => !fs.existsSync(path.join(shots, f)))
			.map((f) => `missing ${f}`));
	}
	await browser.close();
	console.log(`1..${count}`);
	process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
	console.error(`browser.mjs: ${e.stack || e}`);
	process.exit(2);
});
