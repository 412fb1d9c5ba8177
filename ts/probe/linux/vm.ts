import { type Detection, type Evidence, detectionOf } from './evidence.js';
import { type FileRead, READ_MISSING } from './host-files.js';

export const CPUINFO_PATH = '/proc/cpuinfo';
export const DMI_SYS_VENDOR_PATH = '/sys/class/dmi/id/sys_vendor';
export const DMI_PRODUCT_NAME_PATH = '/sys/class/dmi/id/product_name';
export const HYPERVISOR_TYPE_PATH = '/sys/hypervisor/type';
export const CLOCKSOURCES_PATH = '/sys/devices/system/clocksource/clocksource0/available_clocksource';

/** The files VM detection looks at, already read. */
export interface VmInputs {
  readonly cpuinfo: FileRead;
  readonly dmiSysVendor: FileRead;
  readonly dmiProductName: FileRead;
  readonly hypervisorType: FileRead;
  readonly clocksources: FileRead;
}

/**
 * The `hypervisor` flag mirrors CPUID.1:ECX bit 31, which every x86 hypervisor sets for its guests.
 * Other architectures have no such flag in /proc/cpuinfo, so its absence there proves nothing.
 */
export function cpuinfoEvidence(read: FileRead): Evidence {
  const source = CPUINFO_PATH;
  if (!read.ok) return { source, outcome: 'unknown', detail: read.reason, kind: null };
  for (const line of read.text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() !== 'flags') continue;
    const flags = line.slice(colon + 1).trim().split(/\s+/);
    return flags.includes('hypervisor')
      ? { source, outcome: 'found', detail: 'hypervisor flag', kind: null }
      : { source, outcome: 'not found', detail: 'no hypervisor flag', kind: null };
  }
  return { source, outcome: 'unknown', detail: 'no flags line (not x86)', kind: null };
}

interface DmiRule {
  readonly kind: string;
  readonly matches: (vendor: string, product: string) => boolean;
}

/**
 * DMI strings virtual machines carry. Some vendors also sell real hardware under the same
 * sys_vendor (Microsoft Surface, EC2 bare-metal "*.metal" instances), so those rules need the
 * product name too.
 */
const DMI_RULES: readonly DmiRule[] = [
  { kind: 'firecracker', matches: (v, p) => /firecracker/i.test(v) || /firecracker/i.test(p) },
  { kind: 'qemu', matches: (v) => v === 'QEMU' },
  { kind: 'kvm', matches: (_v, p) => /\bKVM\b/.test(p) },
  { kind: 'vmware', matches: (v, p) => v.startsWith('VMware') || p.startsWith('VMware') },
  { kind: 'virtualbox', matches: (v, p) => v === 'innotek GmbH' || p === 'VirtualBox' },
  { kind: 'xen', matches: (v, p) => v === 'Xen' || p.includes('HVM domU') },
  { kind: 'hyperv', matches: (v, p) => v === 'Microsoft Corporation' && p === 'Virtual Machine' },
  { kind: 'amazon-ec2', matches: (v, p) => v === 'Amazon EC2' && !p.endsWith('.metal') },
  { kind: 'google-compute-engine', matches: (v, p) => v === 'Google' && p === 'Google Compute Engine' },
  { kind: 'cloud-hypervisor', matches: (v) => v === 'Cloud Hypervisor' },
  { kind: 'parallels', matches: (v) => v.startsWith('Parallels') },
  { kind: 'bochs', matches: (v) => v === 'Bochs' },
  { kind: 'openstack', matches: (_v, p) => p.startsWith('OpenStack') },
];

export function dmiEvidence(vendorRead: FileRead, productRead: FileRead): Evidence {
  const source = `${DMI_SYS_VENDOR_PATH}, ${DMI_PRODUCT_NAME_PATH}`;
  const odd = [vendorRead, productRead].find((read) => !read.ok && read.reason !== READ_MISSING);
  if (odd !== undefined && !odd.ok) return { source, outcome: 'unknown', detail: odd.reason, kind: null };
  if (!vendorRead.ok && !productRead.ok) return { source, outcome: 'not found', detail: 'no DMI', kind: null };
  const vendor = vendorRead.ok ? vendorRead.text.trim() : '';
  const product = productRead.ok ? productRead.text.trim() : '';
  const detail = `sys_vendor "${vendor}", product_name "${product}"`;
  const rule = DMI_RULES.find((candidate) => candidate.matches(vendor, product));
  return rule === undefined
    ? { source, outcome: 'not found', detail, kind: null }
    : { source, outcome: 'found', detail, kind: rule.kind };
}

/** Xen guests (PV and HVM with the xen driver) expose the hypervisor's name here. */
export function hypervisorTypeEvidence(read: FileRead): Evidence {
  const source = HYPERVISOR_TYPE_PATH;
  if (!read.ok) {
    return read.reason === READ_MISSING
      ? { source, outcome: 'not found', detail: 'missing', kind: null }
      : { source, outcome: 'unknown', detail: read.reason, kind: null };
  }
  const type = read.text.trim();
  return { source, outcome: 'found', detail: `type "${type}"`, kind: type === '' ? null : type };
}

/**
 * Paravirtual clocks only register inside their hypervisor's guests. This is what names the
 * hypervisor family on machines without DMI, such as Firecracker microVMs (KVM underneath).
 */
const PARAVIRT_CLOCKS: readonly { readonly clock: string; readonly kind: string }[] = [
  { clock: 'kvm-clock', kind: 'kvm' },
  { clock: 'xen', kind: 'xen' },
  { clock: 'hyperv_clocksource_tsc_page', kind: 'hyperv' },
  { clock: 'hyperv_clocksource_msr', kind: 'hyperv' },
];

export function clocksourceEvidence(read: FileRead): Evidence {
  const source = CLOCKSOURCES_PATH;
  if (!read.ok) {
    return read.reason === READ_MISSING
      ? { source, outcome: 'not found', detail: 'missing', kind: null }
      : { source, outcome: 'unknown', detail: read.reason, kind: null };
  }
  const clocks = read.text.trim().split(/\s+/);
  const paravirt = PARAVIRT_CLOCKS.find((candidate) => clocks.includes(candidate.clock));
  return paravirt === undefined
    ? { source, outcome: 'not found', detail: `no paravirtual clock in "${clocks.join(' ')}"`, kind: null }
    : { source, outcome: 'found', detail: paravirt.clock, kind: paravirt.kind };
}

export function detectVm(inputs: VmInputs): Detection {
  return detectionOf([
    cpuinfoEvidence(inputs.cpuinfo),
    dmiEvidence(inputs.dmiSysVendor, inputs.dmiProductName),
    hypervisorTypeEvidence(inputs.hypervisorType),
    clocksourceEvidence(inputs.clocksources),
  ]);
}
