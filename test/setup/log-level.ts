// Tests log at ERROR and above unless a test's gateway asks for more (LOG_LEVEL in its settings):
// what `LOG_LEVEL=error` in the environment did before the gateway owned the level.
import { setLogLevel } from '../../shared/log.js';

setLogLevel('error');
