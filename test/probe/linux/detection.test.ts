import { describe, expect, it } from 'vitest';
import { cgroupPathEvidence, detectContainer, pid1EnvironEvidence } from '../../../ts/probe/linux/container.js';
import type { FileRead } from '../../../ts/probe/linux/host-files.js';
import { clocksourceEvidence, cpuinfoEvidence, detectVm, dmiEvidence, hypervisorTypeEvidence } from '../../../ts/probe/linux/vm.js';

const missing: FileRead = { ok: false, reason: 'missing' };
const text = (value: string): FileRead => ({ ok: true, text: value });

describe('DMI strings', () => {
  const cases: readonly [string, string, string | null][] = [
    ['QEMU', 'Standard PC (i440FX + PIIX, 1996)', 'qemu'],
    ['Red Hat', 'KVM', 'kvm'],
    ['VMware, Inc.', 'VMware Virtual Platform', 'vmware'],
    ['innotek GmbH', 'VirtualBox', 'virtualbox'],
    ['Xen', 'HVM domU', 'xen'],
    ['Microsoft Corporation', 'Virtual Machine', 'hyperv'],
    ['Microsoft Corporation', 'Surface Laptop 5', null],
    ['Amazon EC2', 'm6i.large', 'amazon-ec2'],
    ['Amazon EC2', 'm5.metal', null],
    ['Google', 'Google Compute Engine', 'google-compute-engine'],
    ['Firecracker', 'Firecracker microVM', 'firecracker'],
    ['OpenStack Foundation', 'OpenStack Nova', 'openstack'],
    ['Dell Inc.', 'PowerEdge R650', null],
  ];
  for (const [vendor, product, kind] of cases) {
    it(`${vendor} / ${product} -> ${kind ?? 'not a VM'}`, () => {
      const evidence = dmiEvidence(text(`${vendor}\n`), text(`${product}\n`));
      expect(evidence.outcome).toBe(kind === null ? 'not found' : 'found');
      expect(evidence.kind).toBe(kind);
      expect(evidence.detail).toBe(`sys_vendor "${vendor}", product_name "${product}"`);
    });
  }

  it('an unreadable DMI file is unknown; both missing is "no DMI"', () => {
    expect(dmiEvidence(text('QEMU'), { ok: false, reason: 'permission denied' })).toMatchObject({
      outcome: 'unknown',
      detail: 'permission denied',
    });
    expect(dmiEvidence(missing, missing)).toMatchObject({ outcome: 'not found', detail: 'no DMI' });
  });
});

describe('other VM signs', () => {
  it('cpuinfo: the flag on the first flags line; no flags line (arm64) proves nothing', () => {
    expect(cpuinfoEvidence(text('processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n')).outcome).toBe('found');
    expect(cpuinfoEvidence(text('processor\t: 0\nflags\t\t: fpu vme lahf_lm\n')).outcome).toBe('not found');
    expect(cpuinfoEvidence(text('processor\t: 0\nFeatures\t: fp asimd evtstrm\n'))).toMatchObject({
      outcome: 'unknown',
      detail: 'no flags line (not x86)',
    });
  });

  it('/sys/hypervisor/type names Xen; clocksources name KVM and Hyper-V', () => {
    expect(hypervisorTypeEvidence(text('xen\n'))).toMatchObject({ outcome: 'found', kind: 'xen' });
    expect(clocksourceEvidence(text('hyperv_clocksource_tsc_page tsc acpi_pm \n'))).toMatchObject({ outcome: 'found', kind: 'hyperv' });
    expect(clocksourceEvidence(text('kvm-clock tsc \n'))).toMatchObject({ outcome: 'found', kind: 'kvm' });
  });

  it('a Xen PV guest is detected with both signs', () => {
    const detection = detectVm({
      cpuinfo: text('flags\t\t: fpu hypervisor\n'),
      dmiSysVendor: missing,
      dmiProductName: missing,
      hypervisorType: text('xen\n'),
      clocksources: text('xen tsc\n'),
    });
    expect(detection.detected).toBe(true);
    expect(detection.kinds).toEqual(['xen']);
  });
});

describe('container signs', () => {
  it('container= in a NUL-separated environment, wherever it sits', () => {
    expect(pid1EnvironEvidence(text('PATH=/bin\0container=lxc\0HOME=/\0'))).toEqual({
      source: '/proc/1/environ',
      outcome: 'found',
      detail: 'container=lxc',
      kind: 'lxc',
    });
    // A variable merely ending in "container=" is not it.
    expect(pid1EnvironEvidence(text('NOTcontainer=x\0')).outcome).toBe('not found');
    expect(pid1EnvironEvidence({ ok: false, reason: 'permission denied' })).toMatchObject({
      outcome: 'unknown',
      detail: 'permission denied',
    });
  });

  it('cgroup path hints for kubernetes, lxc, libpod and docker v1; docker.service itself is not a container', () => {
    const cgroup = [
      '12:memory:/kubepods/burstable/pod1f2e/0123456789abcdef0123',
      '11:cpu:/lxc.payload.web/',
      '10:pids:/machine.slice/libpod-0123456789abcdef.scope',
      '9:blkio:/docker/0123456789abcdef0123456789abcdef',
    ].join('\n');
    expect(cgroupPathEvidence(text(cgroup)).map((item) => item.kind)).toEqual(['docker', 'kubernetes', 'lxc', 'podman']);
    expect(cgroupPathEvidence(text('0::/system.slice/docker.service\n'))[0]?.outcome).toBe('not found');
    expect(cgroupPathEvidence(text('garbage\n'))[0]).toEqual({
      source: '/proc/self/cgroup',
      outcome: 'unknown',
      detail: '/proc/self/cgroup: line 1: line is not "id:controllers:path": "garbage"',
      kind: null,
    });
  });

  it('systemd-nspawn is named by /run/systemd/container', () => {
    const detection = detectContainer({
      containerenv: missing,
      dockerenv: missing,
      pid1Environ: text('container=systemd-nspawn\0'),
      systemdContainer: text('systemd-nspawn\n'),
      procCgroup: text('0::/\n'),
    });
    expect(detection.kinds).toEqual(['systemd-nspawn']);
    expect(detection.evidence[3]).toEqual({
      source: '/run/systemd/container',
      outcome: 'found',
      detail: 'contains "systemd-nspawn"',
      kind: 'systemd-nspawn',
    });
  });
});
