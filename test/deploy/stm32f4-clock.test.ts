/**
 * The STM32F4 board support where QEMU cannot check it. QEMU 7.2 models no RCC, PWR or FLASH
 * interface, so under it the clock code only runs up to the HSE wait. Here the real C
 * (targets/bsp/stm32f4) is built for the host against a register file that follows RM0090
 * (test/deploy/fixtures/stm32f4_host_check.c), once per board with that board's own config header
 * and generated target header: the exact register writes of a good start, a bounded give-up at
 * every ready bit that never comes, the clocks read back, and no rule of the manual broken on any
 * path. The pins' register values, the USART's divisor and receive path, and the board headers'
 * pins, interrupt and clock enable against the target definitions, are checked too.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { findExecutable } from '../../ts/deploy/qemu.js';
import { BOARD_HEADER_NAME, boardFiles, targetOfBoard } from '../../ts/targets/board-files.js';
import { listTargets, loadTarget } from '../../ts/targets/index.js';

const compiler = findExecutable('cc') ?? findExecutable('gcc');
const bsp = join(packageRoot(), 'targets', 'bsp');
const BOARDS = [
  { board: 'nucleo-f429zi', target: 'nucleo-f429zi', f42x: 1 },
  { board: 'netduinoplus2', target: 'qemu-netduinoplus2', f42x: 0 },
] as const;
/** WRT_STM32F4_READY_POLLS: every wait gives up after this many polls. */
const READY_POLLS = 200_000;
const HSI_HZ = 16_000_000;

let scratch = '';
const results = new Map<string, Map<string, string>>();

function run(board: string, f42x: number): Map<string, string> {
  const gen = join(scratch, board);
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(gen, BOARD_HEADER_NAME), boardFiles(targetOfBoard(listTargets(), board)).header);
  const program = join(gen, 'stm32f4_host_check');
  execFileSync(compiler ?? 'cc', [
    '-std=c11', '-Wall', '-Wextra', '-Werror', '-fno-tree-loop-distribute-patterns', '-DWRT_STM32F4_FAKE_MMIO', `-DWRT_CHECK_F42X=${f42x}`,
    `-I${join(bsp, 'stm32f4')}`, `-I${join(bsp, 'cortex-m')}`, `-I${join(bsp, board)}`, `-I${gen}`,
    join(packageRoot(), 'test', 'deploy', 'fixtures', 'stm32f4_host_check.c'),
    ...['wrt_stm32f4_clock.c', 'wrt_stm32f4_gpio.c', 'wrt_stm32f4_usart.c'].map((file) => join(bsp, 'stm32f4', file)), join(bsp, 'cortex-m', 'wrt_ring.c'),
    '-o', program,
  ]);
  const output = execFileSync(program, { encoding: 'utf8' });
  // Tokens are key=value; the reasons in why=[...] may hold spaces.
  return new Map([...output.matchAll(/(\S+?)=(\[[^\]]*\]|\S*)/g)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

beforeAll(() => {
  if (compiler === undefined) return;
  scratch = mkdtempSync(join(tmpdir(), 'wrt-stm32f4-host-'));
  for (const { board, f42x } of BOARDS) results.set(board, run(board, f42x));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

function of(board: string): Map<string, string> {
  const found = results.get(board);
  if (found === undefined) throw new Error(`no host check result for ${board}`);
  return found;
}

function clocks(board: string, scenario: string): number[] {
  const r = of(board);
  return ['sysclk', 'hclk', 'pclk1', 'pclk2'].map((name) => Number(r.get(`${scenario}.${name}`)));
}

function writes(board: string, scenario: string): string[] {
  return (of(board).get(`${scenario}.log`) ?? '').split(',').filter((entry) => entry !== '');
}

describe.skipIf(compiler === undefined)('STM32F4 clock start-up against RM0090 (host build, modelled registers)', () => {
  it('nucleo-f429zi: the register writes of RM0090 5.1.4 and 3.5.1, to 180 MHz with over-drive', () => {
    expect(writes('nucleo-f429zi', 'ok')).toEqual([
      'RCC_APB1ENR:10000000', // PWREN: the PWR registers take writes only with their clock on
      'PWR_CR:0000c000', // VOS = 11, scale 1, while the PLL is off
      'RCC_CR:00040083', // HSEBYP before HSEON: OSC_IN is the ST-LINK's 8 MHz MCO, not a crystal
      'RCC_CR:00050083', // HSEON, then the bounded wait for HSERDY
      'RCC_PLLCFGR:27402d04', // M=4, N=180, P=2 (00), SRC=HSE, Q=7, reserved bits as at reset
      'RCC_CR:01070083', // PLLON
      'PWR_CR:0001c000', // ODEN, wait ODRDY (5.1.4 step 3)
      'PWR_CR:0003c000', // ODSWEN, wait ODSWRDY (step 4-5)
      'FLASH_ACR:00000705', // 5 wait states + prefetch, I- and D-cache, read back before the switch
      'RCC_CFGR:00009400', // AHB /1, APB1 /4 (101), APB2 /2 (100), still on HSI
      'RCC_CFGR:00009402', // SW = PLL after PLLRDY, then the wait for SWS = PLL
    ]);
    expect(of('nucleo-f429zi').get('ok.violations')).toBe('0');
    expect(of('nucleo-f429zi').get('ok.status')).toBe('0');
    expect(clocks('nucleo-f429zi', 'ok')).toEqual([180_000_000, 180_000_000, 45_000_000, 90_000_000]);
    expect(clocks('nucleo-f429zi', 'ok')[1]).toBe(loadTarget('nucleo-f429zi').cpu.clockHz);
  });

  it('qemu-netduinoplus2 (STM32F405): the same code to 168 MHz from its 25 MHz crystal, no over-drive', () => {
    expect(writes('netduinoplus2', 'ok')).toEqual([
      'RCC_APB1ENR:10000000',
      'PWR_CR:00004000', // VOS is one bit (14) on F405
      'RCC_CR:00010083', // HSEON, a crystal: no bypass
      'RCC_PLLCFGR:27405419', // M=25, N=336, P=2, SRC=HSE, Q=7 (48 MHz)
      'RCC_CR:01030083',
      'FLASH_ACR:00000705',
      'RCC_CFGR:00009400',
      'RCC_CFGR:00009402',
    ]);
    expect(of('netduinoplus2').get('ok.violations')).toBe('0');
    expect(clocks('netduinoplus2', 'ok')).toEqual([168_000_000, 168_000_000, 42_000_000, 84_000_000]);
    expect(clocks('netduinoplus2', 'ok')[1]).toBe(loadTarget('qemu-netduinoplus2').cpu.clockHz);
  });

  const failures = [
    { scenario: 'hse_never', status: 1, bounded: true },
    { scenario: 'pll_never', status: 2, bounded: true },
    { scenario: 'od_never', status: 3, bounded: true, f42xOnly: true },
    { scenario: 'odsw_never', status: 4, bounded: true, f42xOnly: true },
    { scenario: 'latency_refused', status: 5, bounded: false },
    { scenario: 'switch_never', status: 6, bounded: true },
  ] as const;

  it.each(BOARDS.flatMap(({ board, f42x }) => failures.filter((f) => f42x === 1 || !('f42xOnly' in f)).map((f) => [board, f.scenario, f] as const)))(
    '%s: %s gives up after a bounded wait, back on HSI with a fault code, breaking no rule',
    (board, scenario, failure) => {
      const r = of(board);
      expect(r.get(`${scenario}.status`)).toBe(String(failure.status));
      const polls = Number(r.get(`${scenario}.polls`));
      if (failure.bounded) expect(polls).toBeGreaterThanOrEqual(READY_POLLS);
      expect(polls).toBeLessThan(2 * READY_POLLS);
      expect(clocks(board, scenario)).toEqual([HSI_HZ, HSI_HZ, HSI_HZ, HSI_HZ]);
      expect([r.get(`${scenario}.hseon`), r.get(`${scenario}.pllon`)]).toEqual(['0', '0']);
      expect(r.get(`${scenario}.why`)).toBe('[]');
    },
  );

  it('a board that did not reach its clock prints one line saying why and at what clock it runs', () => {
    const r = of('nucleo-f429zi');
    expect(r.get('hse_never.line')).toBe('[\\r\\n***_wrt_clock:_HSE_not_ready_(status_1);_running_at_16000000_Hz\\r\\n]');
    expect(r.get('odsw_never.line')).toBe('[\\r\\n***_wrt_clock:_over-drive_switch_not_ready_(status_4);_running_at_16000000_Hz\\r\\n]');
    expect([r.get('ok.line'), r.get('no_rcc.line')]).toEqual(['[]', '[]']);
  });

  it.each(BOARDS)('$board: an RCC that reads as zero (QEMU) is told apart, and the plan\'s clocks are taken', ({ board, target }) => {
    expect(of(board).get('no_rcc.status')).toBe('7');
    expect(clocks(board, 'no_rcc')[1]).toBe(loadTarget(target).cpu.clockHz);
  });

  it.each(BOARDS)('$board: handed over with the PLL running, goes back to HSI first, then starts as from reset', ({ board }) => {
    const r = of(board);
    expect([r.get('again.status'), r.get('again.why')]).toEqual(['0', '[]']);
    expect(clocks(board, 'again')).toEqual(clocks(board, 'ok'));
    // HSION, SW = HSI, PLL off, HSE off, and HSEBYP only once HSERDY has cleared; then the sequence
    // of a reset (the register values written back carry the read-only ready bits as read).
    const handBack: Readonly<Record<string, readonly string[]>> = {
      'nucleo-f429zi': ['RCC_CR:03070083', 'RCC_CFGR:00009408', 'RCC_CR:02070083', 'RCC_CR:00060083', 'RCC_CR:00000083'],
      netduinoplus2: ['RCC_CR:03030083', 'RCC_CFGR:00009408', 'RCC_CR:02030083', 'RCC_CR:00020083', 'RCC_CR:00000083'],
    };
    expect(writes(board, 'again').slice(0, 5)).toEqual(handBack[board]);
    // From there the writes of a start from reset, but for VOS and over-drive bits already set.
    expect(writes(board, 'again').slice(5).filter((w) => !w.startsWith('PWR_CR'))).toEqual(writes(board, 'ok').filter((w) => !w.startsWith('PWR_CR')));
  });

  it('the register model catches a sequence that breaks the manual', () => {
    expect(Number(of('nucleo-f429zi').get('broken.violations'))).toBeGreaterThan(0);
    expect(of('nucleo-f429zi').get('broken.why')).toBe('[HCLK above 168 MHz without over-drive;too few flash wait states for HCLK;APB1 above its maximum;APB2 above its maximum;]');
  });
});

describe.skipIf(compiler === undefined)('STM32F4 USART pins (host build, RM0090 8.4)', () => {
  it('nucleo-f429zi: PD8 and PD9 to AF7, high speed, a pull-up on RX; the mode written last', () => {
    expect(writes('nucleo-f429zi', 'pins')).toEqual([
      'GPIOD_AFRH:00000007', // AFRH8 = 7
      'GPIOD_OSPEEDR:00020000', // OSPEEDR8 = high
      'GPIOD_PUPDR:00000000',
      'GPIOD_MODER:00020000', // MODER8 = alternate function
      'GPIOD_AFRH:00000077', // AFRH9 = 7
      'GPIOD_OSPEEDR:000a0000',
      'GPIOD_PUPDR:00040000', // PUPDR9 = pull-up
      'GPIOD_MODER:000a0000',
    ]);
  });

  it('qemu-netduinoplus2: PA9 and PA10 to AF7, leaving the debug pins PA13-PA15 as they were', () => {
    expect(writes('netduinoplus2', 'pins')).toEqual([
      'GPIOA_AFRH:00000070',
      'GPIOA_OSPEEDR:0c080000',
      'GPIOA_PUPDR:64000000',
      'GPIOA_MODER:a8080000',
      'GPIOA_AFRH:00000770',
      'GPIOA_OSPEEDR:0c280000',
      'GPIOA_PUPDR:64100000',
      'GPIOA_MODER:a8280000',
    ]);
  });
});

describe.skipIf(compiler === undefined)('STM32F4 USART (host build)', () => {
  it.each(BOARDS)('$board: BRR from its bus clock and the target baud, 8N1 with the receive interrupt', ({ board, target }) => {
    const r = of(board);
    const pclk = Number(r.get('usart.pclk'));
    expect(Number(r.get('usart.brr'))).toBe(Math.round(pclk / (loadTarget(target).uart.baud ?? 0)));
    // UE | RXNEIE | TE | RE (RM0090 30.6.4); CR2 and CR3 at 0: one stop bit, no flow control.
    expect(r.get('usart.cr1')).toBe('0000202c');
    expect(writes(board, 'usart').slice(0, 3)).toEqual(['USART_CR1:00000000', 'USART_CR2:00000000', 'USART_CR3:00000000']);
  });

  it('counts an overrun, keeps bytes in order, and leaves a byte in the USART when the ring is full', () => {
    const r = of('nucleo-f429zi');
    expect([r.get('drain.first'), r.get('drain.held'), r.get('drain.count'), r.get('drain.dropped'), r.get('drain.waiting'), r.get('drain.bytes')]).toEqual([
      '0', '1', '2', '1', '1', '4142',
    ]);
  });
});

/** RM0090 Table 1 (bases), Table 62 (interrupt positions) and 6.3.13-14 (enable bits) per USART. */
const USARTS: Readonly<Record<string, { base: number; irq: number; bus: 'APB1' | 'APB2'; enableBit: number }>> = {
  USART1: { base: 0x40011000, irq: 37, bus: 'APB2', enableBit: 4 },
  USART2: { base: 0x40004400, irq: 38, bus: 'APB1', enableBit: 17 },
  USART3: { base: 0x40004800, irq: 39, bus: 'APB1', enableBit: 18 },
  UART4: { base: 0x40004c00, irq: 52, bus: 'APB1', enableBit: 19 },
  UART5: { base: 0x40005000, irq: 53, bus: 'APB1', enableBit: 20 },
  USART6: { base: 0x40011400, irq: 71, bus: 'APB2', enableBit: 5 },
};

function macros(board: string): Map<string, string> {
  const text = readFileSync(join(bsp, board, 'wrt_board_config.h'), 'utf8');
  return new Map([...text.matchAll(/^#define (\w+) (.+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

function cNumber(value: string | undefined): number {
  const shifted = /^\((\d+)u << (\d+)\)$/.exec(value ?? '');
  if (shifted !== null) return Number(shifted[1]) << Number(shifted[2]);
  return Number((value ?? '').replace(/u$/, ''));
}

describe('STM32F4 board headers against the target definitions', () => {
  it.each(BOARDS)('$board: USART, pins, interrupt, clock enable and PLL plan as $target states', ({ board, target }) => {
    const def = loadTarget(target);
    const m = macros(board);
    // instance: "USART3 on PD8 (TX) / PD9 (RX), ...": the USART, then the TX and RX pins.
    const instance = /^(US?ART\d) on P([A-I])(\d+) \(TX\) \/ P([A-I])(\d+) \(RX\)/.exec(def.uart.instance ?? '');
    expect(instance).not.toBeNull();
    const [, name = '', txPort = '', txPin = '', rxPort = '', rxPin = ''] = instance ?? [];
    const usart = USARTS[name];
    expect(usart?.base).toBe(def.uart.base);
    expect(cNumber(m.get('WRT_BOARD_UART_RX_IRQ'))).toBe(usart?.irq);
    expect(cNumber(m.get('WRT_STM32F4_UART_ENABLE_BIT'))).toBe(1 << (usart?.enableBit ?? 0));
    // The bus the enable bit is in is the one the board code picks from the base.
    expect((def.uart.base ?? 0) >= 0x40010000 ? 'APB2' : 'APB1').toBe(usart?.bus);
    expect([cNumber(m.get('WRT_STM32F4_UART_TX_PORT')), cNumber(m.get('WRT_STM32F4_UART_TX_PIN'))]).toEqual([txPort.charCodeAt(0) - 65, Number(txPin)]);
    expect([cNumber(m.get('WRT_STM32F4_UART_RX_PORT')), cNumber(m.get('WRT_STM32F4_UART_RX_PIN'))]).toEqual([rxPort.charCodeAt(0) - 65, Number(rxPin)]);
    // USART1..3 take alternate function 7 on every STM32F4 pin that carries them (DS9405, DS8626).
    expect(m.get('WRT_STM32F4_UART_AF')).toBe('7u');
    const plan = ['HSE_HZ', 'PLL_M', 'PLL_N', 'PLL_P', 'AHB_DIVIDER'].map((key) => cNumber(m.get(`WRT_STM32F4_${key}`)));
    const [hse = 0, pllM = 1, pllN = 0, pllP = 1, ahb = 1] = plan;
    expect((hse / pllM) * pllN / pllP / ahb).toBe(def.cpu.clockHz);
    expect(m.get('WRT_BOARD_CORE')).toBe(`"${def.cpu.core}"`);
  });
});
