// GET /: the playground page (web/playground/), which calls /embed, /similarity and /chunk.
import { http } from '@google-cloud/functions-framework';
import { prebuilt } from '../../shared/web/prebuilt/playground.js';
import { pageUrls } from '../../shared/web/route-urls.js';
import { pageRoute } from '../../shared/web/serve.js';

http('playground', pageRoute({ name: 'playground', page: 'playground', prebuilt, pageConfig: () => ({ urls: pageUrls() }) }));
