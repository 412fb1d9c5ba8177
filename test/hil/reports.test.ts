import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProgressLine, formatSummary } from '../../ts/hil/report/console.js';
import { buildMatrix, renderHtmlReport, STATUS_COLOURS } from '../../ts/hil/report/html.js';
import { renderJsonReport } from '../../ts/hil/report/json.js';
import { renderJunit } from '../../ts/hil/report/junit.js';
import { escapeXmlAttribute, escapeXmlText } from '../../ts/hil/report/xml.js';
import { fixedRun } from './fixed-run.js';
import { countColour, decodePng } from './png.js';
import { tempDir } from './support.js';
import { checkXml } from './xml-check.js';

const out = tempDir('reports');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const EXPECTED_JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="wrt-target hil" tests="10" failures="3" errors="1" skipped="3" time="2.612" timestamp="2026-11-24T12:00:00.000Z">
  <testsuite name="v8-reference" tests="2" failures="0" errors="0" skipped="0" time="0.013" timestamp="2026-11-24T12:00:00.000Z">
    <properties>
      <property name="connection" value="reference-v8"/>
      <property name="reference" value="true"/>
    </properties>
    <testcase classname="v8-reference.smoke" name="add" time="0.001"/>
    <testcase classname="v8-reference.wasi" name="hello" time="0.011"/>
  </testsuite>
  <testsuite name="nucleo-1" tests="7" failures="2" errors="1" skipped="3" time="2.600" timestamp="2026-11-24T12:00:00.000Z">
    <properties>
      <property name="connection" value="serial /dev/serial/by-id/usb-ST_0671-if02"/>
      <property name="target" value="nucleo-f429zi"/>
    </properties>
    <testcase classname="nucleo-1.smoke" name="add" time="0.040">
      <failure message="expected return (i32:5), returned (i32:6)" type="fail">returned (i32:6)</failure>
    </testcase>
    <testcase classname="nucleo-1.wasi" name="hello" time="0.060">
      <skipped message="quarantined until 2026-12-31 (UART drops &quot;bytes&quot; &lt;issue 9&gt;); fail: stdout differs: expected &quot;hi\\n&quot;, got &quot;&lt;b&gt;&amp;\\x01&quot;"/>
    </testcase>
    <testcase classname="nucleo-1.smoke" name="spin" time="2.000">
      <failure message="no answer within 1000 ms, reset and retried once, hung again" type="timeout"></failure>
    </testcase>
    <testcase classname="nucleo-1.smoke" name="gpio" time="0.000">
      <skipped message="needs fixture gpio-loopback"/>
    </testcase>
    <testcase classname="nucleo-1.smoke" name="flaky" time="0.480"/>
    <testcase classname="nucleo-1.smoke" name="uart" time="0.020">
      <error message="executor failed: framing error" type="error"></error>
    </testcase>
    <testcase classname="nucleo-1.wasi" name="big" time="0.001">
      <skipped message="does not fit on the board: the module is 9000 bytes as uploaded; nucleo-f429zi takes modules of at most 8192 bytes (its upload buffer)"/>
    </testcase>
  </testsuite>
  <testsuite name="differential" tests="1" failures="1" errors="0" skipped="0" time="0.000" timestamp="2026-11-24T12:00:00.000Z">
    <properties>
      <property name="reference" value="v8-reference"/>
      <property name="compared" value="2"/>
    </properties>
    <testcase classname="differential" name="smoke/add" time="0.000">
      <failure message="nucleo-1 disagree with v8-reference" type="disagreement">v8-reference: returned (i32:5)
nucleo-1: returned (i32:6)</failure>
    </testcase>
  </testsuite>
</testsuites>
`;

describe('reports', () => {
  it('writes the exact JUnit XML for a fixed run, and it is well-formed', () => {
    const xml = renderJunit(fixedRun());
    expect(xml).toBe(EXPECTED_JUNIT);
    const { problems, root } = checkXml(xml);
    expect(problems).toEqual([]);
    expect(root?.children.map((s) => s.attributes['name'])).toEqual(['v8-reference', 'nucleo-1', 'differential']);
    const hello = root?.children[1]?.children.find((c) => c.attributes['name'] === 'hello');
    // Parsed back, the attribute holds the original text, with the control character made visible.
    expect(hello?.children[0]?.attributes['message']).toBe('quarantined until 2026-12-31 (UART drops "bytes" <issue 9>); fail: stdout differs: expected "hi\\n", got "<b>&\\x01"');
  });

  it('escapes everything XML 1.0 cannot carry as it is', () => {
    expect(escapeXmlText('a<b>&c\u0000\u001f\ud800')).toBe('a&lt;b&gt;&amp;c\\x00\\x1f\\ud800');
    expect(escapeXmlAttribute('"x"\n\'y\'\t')).toBe('&quot;x&quot;&#10;&apos;y&apos;&#9;');
    expect(escapeXmlText('emoji \ud83d\ude00 stays')).toBe('emoji \ud83d\ude00 stays');
    expect(checkXml('<a x="1"><b>&amp;</b></a>').problems).toEqual([]);
    expect(checkXml('<a><b></a></b>').problems).toEqual(['</a> closes <b> at 6', '</b> closes <a> at 10']);
    expect(checkXml('<a x="<">&nbsp;</a>').problems.length).toBeGreaterThan(0);
  });

  it('writes the JSON report as data that reads back', () => {
    const parsed = JSON.parse(renderJsonReport(fixedRun())) as Record<string, unknown>;
    expect(Object.entries(parsed).slice(0, 2)).toEqual([['schema', 'wrt-target/hil-report'], ['schemaVersion', 1]]);
    expect(parsed['summary']).toEqual({ total: 9, pass: 3, fail: 2, timeout: 1, error: 1, skip: 2, quarantined: 1, flaky: 1, disagreements: 1 });
    expect(parsed['failed']).toBe(true);
    const nucleo = (parsed['boards'] as { results: { status: string; message?: string; outcome?: unknown }[] }[])[1]?.results;
    expect(nucleo?.[0]?.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', bits: '6' }], stdout: '', stderr: '' });
    // What the board could not hold: skipped, with the reason as message and outcome.
    expect(nucleo?.[6]).toMatchObject({ status: 'skip', message: expect.stringMatching(/^does not fit on the board: the module is 9000 bytes/), outcome: { kind: 'skipped' } });
  });

  it('prints one progress line per result and a summary', () => {
    const nucleo = fixedRun().boards[1]?.results ?? [];
    const [pass, fail, quarantined, timeout, skip] = [fixedRun().boards[0]?.results[0], ...nucleo];
    expect(pass === undefined ? '' : formatProgressLine(pass)).toBe('PASS  v8-reference  smoke/add  1.3 ms');
    expect(fail === undefined ? '' : formatProgressLine(fail)).toBe('FAIL  nucleo-1  smoke/add  40.0 ms  expected return (i32:5), returned (i32:6)');
    expect(quarantined === undefined ? '' : formatProgressLine(quarantined)).toMatch(/^FAIL  nucleo-1  wasi\/hello \(quarantined\)  60\.0 ms  stdout differs/);
    expect(timeout === undefined ? '' : formatProgressLine(timeout)).toBe('TIME  nucleo-1  smoke/spin [2 attempts]  2.00 s  no answer within 1000 ms, reset and retried once, hung again');
    expect(skip === undefined ? '' : formatProgressLine(skip)).toBe('SKIP  nucleo-1  smoke/gpio  needs fixture gpio-loopback');
    const big = nucleo[6];
    expect(big === undefined ? '' : formatProgressLine(big, false, { done: 9, total: 12 })).toBe(
      '[ 9/12] SKIP  nucleo-1  wasi/big  does not fit on the board: the module is 9000 bytes as uploaded; nucleo-f429zi takes modules of at most 8192 bytes (its upload buffer)',
    );
    expect(pass === undefined ? '' : formatProgressLine(pass, false, { done: 12, total: 12 })).toBe('[12/12] PASS  v8-reference  smoke/add  1.3 ms');
    expect(formatSummary(fixedRun()).split('\n')).toEqual([
      '9 results on 2 boards in 2.61 s:',
      '  3 passed, 2 failed, 1 timed out, 1 errors, 2 skipped; 1 failures quarantined;',
      '      1 passed only on retry',
      'differential: 2 tests compared against v8-reference, 1 disagreements',
      '  DIFF  smoke/add: nucleo-1 disagree with v8-reference',
      '        v8-reference: returned (i32:5)',
      '        nucleo-1: returned (i32:6)',
      'warning: quarantine entry "smoke/old" expired on 2026-11-01 (fixed in firmware',
      '    0.3); its failures count again',
      'HIL run FAILED',
    ]);
  });

  it('renders a self-contained HTML page with the board x test matrix', () => {
    const run = fixedRun();
    const html = renderHtmlReport(run);
    const matrix = buildMatrix(run);
    expect(matrix.tests).toEqual(['smoke/add', 'wasi/hello', 'smoke/spin', 'smoke/gpio', 'smoke/flaky', 'smoke/uart', 'wasi/big']);
    const cells = [...html.matchAll(/<rect class="cell status-(\w+)[^"]*" data-board="([^"]+)" data-test="([^"]+)"/g)].map((m) => `${m[2]} ${m[3]} ${m[1]}`);
    expect(cells).toHaveLength(14);
    expect(cells).toContain('nucleo-1 wasi/big skip');
    // Skips are listed with their reasons, apart from the failures.
    expect(html).toMatch(/<h2>Skipped<\/h2>[^]*<td>nucleo-1<\/td><td>wasi\/big<\/td><td class="message">does not fit on the board: the module is 9000 bytes/);
    expect(html).toContain('<td>nucleo-1</td><td>smoke/gpio</td><td class="message">needs fixture gpio-loopback</td>');
    expect(html.slice(html.indexOf('<h2>Failures'), html.indexOf('<h2>Skipped'))).not.toContain('wasi/big');
    expect(cells).toContain('nucleo-1 smoke/add fail');
    expect(cells).toContain('nucleo-1 smoke/spin timeout');
    expect(cells).toContain('v8-reference smoke/spin absent');
    expect(html).toContain('class="cell status-fail quarantined" data-board="nucleo-1" data-test="wasi/hello"');
    expect(html).toContain('class="cell status-fail disagrees" data-board="nucleo-1" data-test="smoke/add"');
    expect(html).toContain('data-board="nucleo-1" data-suite="smoke"');
    expect(html).toContain('&lt;b&gt;&amp;');
    expect(html).not.toMatch(/<script|src=|href=|@import|url\((?!#)/);
  });

  it('shows a failing test\'s host calls and log lines in the HTML and keeps them in the JSON', () => {
    const run = fixedRun();
    const hostCalls = ['env.read_sensor(1) = 101', 'env.gpio_write(7) = trap 12 (host call denied)'];
    const logs = ['[warn] sensor: <over range>'];
    const boards = run.boards.map((b) => ({
      ...b,
      results: b.results.map((r) => (r.board === 'nucleo-1' && r.test === 'smoke/add' ? { ...r, outcome: { kind: 'returned' as const, results: [], stdout: '', stderr: '', hostCalls, logs } } : r)),
    }));
    const html = renderHtmlReport({ ...run, boards });
    const failures = html.slice(html.indexOf('<h2>Failures'), html.indexOf('<h2>Skipped'));
    expect(failures).toContain('<details><summary>host calls (2)</summary><pre>env.read_sensor(1) = 101\nenv.gpio_write(7) = trap 12 (host call denied)</pre></details>');
    expect(failures).toContain('<details><summary>log (1)</summary><pre>[warn] sensor: &lt;over range&gt;</pre></details>');
    expect(renderHtmlReport(run)).not.toContain('<summary>host calls');
    const json = JSON.parse(renderJsonReport({ ...run, boards })) as { boards: { results: { outcome?: { hostCalls?: string[]; logs?: string[] } }[] }[] };
    expect(json.boards[1]?.results[0]?.outcome).toMatchObject({ hostCalls, logs });
  });

  it('renders in headless Chromium (Debian package chromium)', (context) => {
    const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((name) => spawnSync('which', [name]).status === 0);
    if (chromium === undefined) {
      context.skip('chromium is not installed (Debian: apt-get install chromium); the HTML render check needs it');
      return;
    }
    const page = join(out, 'report.html');
    const shot = join(out, 'report.png');
    writeFileSync(page, renderHtmlReport(fixedRun()));
    const profile = tempDir('chromium-profile');
    try {
      execFileSync(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${profile}`,
          `--screenshot=${shot}`,
          '--window-size=1200,1400',
          pathToFileURL(page).href,
        ],
        { stdio: 'ignore', timeout: 60_000 },
      );
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
    expect(existsSync(shot)).toBe(true);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    const png = decodePng(new Uint8Array(readFileSync(shot)));
    expect([png.width, png.height]).toEqual([1200, 1400]);
    // The matrix squares are 18 px; each colour present means its cells were painted.
    expect(countColour(png, STATUS_COLOURS.pass)).toBeGreaterThan(200);
    expect(countColour(png, STATUS_COLOURS.fail)).toBeGreaterThan(200);
    expect(countColour(png, STATUS_COLOURS.timeout)).toBeGreaterThan(200);
    expect(countColour(png, STATUS_COLOURS.error)).toBeGreaterThan(200);
    const white = countColour(png, '#ffffff');
    expect(white).toBeLessThan(png.width * png.height * 0.99);
  });
});
