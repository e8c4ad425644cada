// multipart/form-data forms (a file upload) with busboy: held in memory with hard limits, since the only upload is
// a room photo of at most a few megabytes. Runs BEFORE csrfProtection on the routes that take a file, because the
// CSRF check reads the token from the parsed body (csrf.ts): without this the token is not there yet and the post
// is refused; with it, a post without a valid token is still refused by the same check.
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BadRequestError } from '../errors.ts';
import { t } from '../i18n/context.ts';

/** The one file a form sent. */
export interface UploadedFile {
  field: string;
  /** What the browser said it is; never trusted (check the bytes). */
  declaredType: string;
  bytes: Buffer;
  /** The file was larger than the limit: `bytes` holds only its start. */
  tooLarge: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The file of a multipart form (multipartForm()); undefined when none was chosen. */
      upload?: UploadedFile;
    }
  }
}

export interface MultipartLimits {
  /** The file field's name; any other file is refused. */
  fileField: string;
  fileSize: number;
  /** Non-file fields (the CSRF token included). */
  fields: number;
}

const isMultipart = (req: Request) => /^multipart\/form-data\b/i.test(req.get('content-type') ?? '');

/**
 * Parses a multipart form into req.body (text fields, as express.urlencoded would) and req.upload (one file).
 * A file over the size limit is kept as "too large" (the route answers with the form's error, keeping the other
 * fields) while the rest of it is read and dropped; a body far over the limit (more than twice the file limit) is
 * refused outright, and so are a second file, too many fields or a broken body.
 */
export function multipartForm(limits: MultipartLimits): RequestHandler {
  const bodyCap = limits.fileSize * 2 + 64 * 1024;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!isMultipart(req) || req.body !== undefined) return next();
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > bodyCap) {
      // Refused unread; closing the connection after the answer spares reading megabytes nobody wants.
      res.set('Connection', 'close');
      res.once('finish', () => req.destroy());
      return next(new BadRequestError(t('error.upload_refused')));
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: limits.fileSize, fields: limits.fields, fieldSize: 4 * 1024, parts: limits.fields + 1, fieldNameSize: 100 },
      });
    } catch {
      return next(new BadRequestError(t('error.upload_refused')));
    }
    const body: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    let failed = false;
    let done = false;
    let seen = 0;
    let fileOpen = false;
    let parsed = false;
    const finish = () => {
      if (failed || done || fileOpen || !parsed) return;
      done = true;
      req.body = body;
      next();
    };
    const fail = () => {
      if (failed || done) return;
      failed = true;
      req.unpipe(bb);
      // The answer says no without reading the rest: the connection closes once it is sent, so a client streaming
      // an endless body cannot keep the server reading.
      res.set('Connection', 'close');
      res.once('finish', () => req.destroy());
      next(new BadRequestError(t('error.upload_refused')));
    };
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > bodyCap) fail();
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail();
      const had = body[name];
      body[name] = had === undefined ? value : [had, value].flat();
    });
    bb.on('file', (name, stream, info) => {
      if (name !== limits.fileField || req.upload) {
        stream.resume();
        return fail();
      }
      fileOpen = true;
      const chunks: Buffer[] = [];
      const upload: UploadedFile = { field: name, declaredType: info.mimeType, bytes: Buffer.alloc(0), tooLarge: false };
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        upload.tooLarge = true;
      });
      stream.on('end', () => {
        upload.bytes = Buffer.concat(chunks);
        // A file input left empty still sends a part with no name and no bytes: that is "no file".
        if (info.filename || upload.bytes.length) req.upload = upload;
        fileOpen = false;
        finish();
      });
    });
    bb.on('filesLimit', fail);
    bb.on('fieldsLimit', fail);
    bb.on('partsLimit', fail);
    bb.on('error', fail);
    bb.on('close', () => {
      parsed = true;
      finish();
    });
    req.pipe(bb);
  };
}
