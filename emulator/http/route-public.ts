// /public/: the public folder root (DavMail PROPFINDs it, §17.5) and OWA's Cmd=freebusy and Cmd=galfind.
import { NS } from '../store/props.ts';
import { HttpError, type RequestContext } from './context.ts';
import { sendXml } from './respond.ts';
import type { SplitPath } from './paths.ts';
import { multistatusXml } from '../dav/multistatus.ts';
import { handleFreeBusy } from '../owa/freebusy.ts';
import { handleGalfind, handleGallookup } from '../owa/galfind.ts';
import { sendOwaErrorPage } from '../owa/error-page.ts';

// `Cmd=` spelled plainly, the way every client writes it: read from the raw query, since parsing a free/busy query of
// 360 addresses into URLSearchParams only to find it cost more than answering from the kept answers (issue 13).
const PLAIN_CMD = /[?&]cmd=([^&]*)/i;

function commandOf(ctx: RequestContext): string | undefined {
  const plain = PLAIN_CMD.exec(ctx.url.search);
  if (plain) {
    try {
      return decodeURIComponent(plain[1]!.replace(/\+/g, ' ')).toLowerCase();
    } catch {
      // A malformed escape: URLSearchParams below decides, as before.
    }
  }
  return [...ctx.url.searchParams].find(([k]) => k.toLowerCase() === 'cmd')?.[1]?.toLowerCase();
}

export function handlePublic(ctx: RequestContext, path: SplitPath): void {
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  const cmd = commandOf(ctx);
  if (path.segments.length > 0) throw new HttpError(404, 'Not Found');
  if ((method === 'GET' || method === 'HEAD') && cmd) {
    if (cmd === 'freebusy') return handleFreeBusy(ctx);
    if (cmd === 'galfind') return handleGalfind(ctx);
    if (cmd === 'gallookup') return handleGallookup(ctx);
    return sendOwaErrorPage(ctx, `The command ${cmd} is not supported.`);
  }
  if (method === 'PROPFIND') {
    const href = `${ctx.base}/public/`;
    const str = (value: string) => ({ type: 'string', value });
    const bool = (value: boolean) => ({ type: 'boolean', value: value ? '1' : '0' });
    const xml = multistatusXml([
      {
        href,
        propstats: [
          {
            status: 200,
            props: [
              { name: `${NS.dav}displayname`, value: str('Public Folders') },
              { name: `${NS.dav}isfolder`, value: bool(true) },
              { name: `${NS.dav}iscollection`, value: bool(true) },
              { name: `${NS.dav}href`, value: str(href) },
              { name: `${NS.ex}outlookfolderclass`, value: str('IPF.Note') },
            ],
          },
        ],
      },
    ]);
    return sendXml(ctx.res, 207, xml);
  }
  if (method === 'GET' || method === 'HEAD') throw new HttpError(404, 'Not Found');
  throw new HttpError(405, 'Method Not Allowed');
}
