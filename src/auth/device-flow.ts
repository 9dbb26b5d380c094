// The device-code grant: works in any terminal, no browser or redirect needed on this machine.
// The user opens Twitch's activation page anywhere and types the code; we poll until they approve.
import { systemClock, type Clock } from './clock.js';
import { AuthError } from './errors.js';
import { CHAT_SCOPES, type DeviceCode, type TokenGrant, type TwitchIdClient } from './twitch-id.js';

export interface DeviceFlowOptions {
  client: TwitchIdClient;
  clientId: string;
  scopes?: readonly string[];
  /** Show the code to the user (verification URI and user code). */
  onCode: (code: DeviceCode) => void;
  /** Told about passing trouble while polling (Twitch unreachable for one poll). */
  onRetry?: (message: string) => void;
  clock?: Clock;
  signal?: AbortSignal;
}

/** RFC 8628 §3.5: after slow_down, poll 5 seconds less often from then on. */
const SLOW_DOWN_STEP_MS = 5_000;

export async function runDeviceFlow(options: DeviceFlowOptions): Promise<TokenGrant> {
  const clock = options.clock ?? systemClock;
  const scopes = options.scopes ?? CHAT_SCOPES;
  const code = await options.client.requestDeviceCode(options.clientId, scopes);
  options.onCode(code);
  const deadline = clock.now() + code.expiresIn * 1000;
  let intervalMs = Math.max(1, code.interval) * 1000;
  for (;;) {
    await clock.sleep(intervalMs, options.signal);
    if (clock.now() >= deadline) throw expired();
    let poll;
    try {
      poll = await options.client.pollDeviceToken(options.clientId, code.deviceCode, scopes);
    } catch (err) {
      if (err instanceof AuthError && err.kind === 'unavailable') {
        options.onRetry?.(err.message);
        continue;
      }
      throw err;
    }
    switch (poll.kind) {
      case 'token':
        return poll.grant;
      case 'pending':
        break;
      case 'slow_down':
        intervalMs += SLOW_DOWN_STEP_MS;
        break;
      case 'expired':
        throw expired();
      case 'denied':
        throw new AuthError('denied', 'the authorization was declined on Twitch; nothing was saved', 400);
    }
  }
}

function expired(): AuthError {
  return new AuthError('expired', 'the device code expired before it was approved; run `saltmine auth login` again');
}
