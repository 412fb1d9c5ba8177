/**
 * The profile a component travels with to a device (`deploy COMPONENT`): compiled here for the
 * target from the component's plan (ts/profile/component-profile.ts), every budget the target
 * cannot meet reported before QEMU starts or a board is flashed, as a core module's compiled
 * profile is (upload-profile.ts).
 */
import { WrtError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import type { ComponentPlan } from '../component/plan.js';
import { compileComponentProfile, componentLimitsOf } from './component-profile.js';
import { decodeProfile, encodeProfile } from './binary.js';
import type { ProfileDeps } from './gather.js';
import type { UploadProfile, UploadProfileRequest } from './upload-profile.js';

export interface ComponentUploadProfileRequest extends Omit<UploadProfileRequest, 'module' | 'analysis' | 'profile' | 'natives' | 'hostServed'> {
  readonly plan: ComponentPlan;
  /** The component binary as read. */
  readonly component: Uint8Array;
}

export async function compileComponentUploadProfile(request: ComponentUploadProfileRequest, deps: ProfileDeps = {}): Promise<UploadProfile> {
  const [{ profileContext }, { measureLoadRegions }] = await Promise.all([import('./gather.js'), import('./load-regions.js')]);
  const { limits, target } = await profileContext(
    {
      file: request.file,
      target: request.targetId,
      ...(request.firmware === undefined ? {} : { firmware: request.firmware }),
      overrides: request.overrides ?? {},
      options: { ...(request.asil === undefined ? {} : { asil: request.asil.level }), ...(request.debug === undefined ? {} : { debugLevel: request.debug }) },
      env: request.env,
      cwd: request.cwd,
    },
    deps,
  );
  const result = compileComponentProfile({
    plan: request.plan,
    component: request.component,
    measure: (module, label) => measureLoadRegions(module, `${request.file} (${label})`, target.pointerBits, request.env, request.executor, request.simBinary),
    device: componentLimitsOf(target),
    limits,
    target,
    asil: limits.asil.value,
    debug: limits.debugLevel.value,
    overrides: request.overrides ?? {},
    toolchain: TOOL_VERSION,
  });
  if (!result.ok) {
    const first = result.errors[0];
    const { renderBudgetErrors } = await import('./render.js');
    throw new WrtError(first?.code ?? 'LIMIT_EXCEEDED', renderBudgetErrors(request.file, request.targetId, result.errors), {
      file: request.file,
      ...(first === undefined ? {} : { field: first.budget, limit: first.gives, source: first.source }),
    });
  }
  const bytes = encodeProfile(result.profile).bytes;
  return { bytes, decoded: decodeProfile(bytes), source: `compiled for ${request.targetId} from the component's plan (ASIL ${result.profile.asil}, ${request.plan.instances.length} core instance(s))` };
}
