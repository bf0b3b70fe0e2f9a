import type { Services } from '../core/services.js';
import type { TestModeService } from '../core/test-mode/test-mode.service.js';

/** The test-mode service; the testing routes are only registered when it exists. */
export function requireTestMode(services: Services): TestModeService {
  if (!services.testMode) throw new Error('the testing routes need TESSERA_TEST_MODE');
  return services.testMode;
}
