/**
 * A real SMTP server in the test process (the `smtp-server` package), as a fixture: the app's
 * own SMTP mailer talks to it over a socket, so a test sees the mail as it would arrive, never a
 * mocked transport. Ask for it before `useTestApp`, so that it listens before the app opens and
 * closes after the app does.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { smtpMailer, type Mailer } from '../../server/services/mail.ts';
import { standIn, useFixture } from './fixtures.ts';

/** One message as the server received it. */
export interface Received {
  /** The envelope's sender and recipients. */
  from: string;
  to: string[];
  /** The message as sent: headers, and the parts in their transfer encoding. */
  raw: string;
}

/** A listening SMTP server: every message it accepted, in order, and a mailer that sends to it. */
export interface MailServer {
  port: number;
  inbox: Received[];
  /** The app's SMTP mailer, pointed at this server, from `Daf <daf@daf.test>`. */
  mailer(): Mailer;
}

async function listen(): Promise<{ server: SMTPServer; mail: MailServer }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { server, mail: { port, inbox, mailer: () => smtpMailer(`smtp://127.0.0.1:${port}`, 'Daf <daf@daf.test>') } };
}

/** The suite's SMTP server, listening on a free port of 127.0.0.1 from before its tests to after them. */
export function useMailServer(): MailServer {
  const fixture = useFixture(
    'useMailServer’s server',
    listen,
    ({ server }) => new Promise<void>((resolve) => server.close(resolve)),
  );
  return standIn({ get: () => fixture.get().mail, isOpen: fixture.isOpen });
}

/** A message's text with its quoted-printable soft line breaks and `=3D` undone, enough to read a link in it. */
export function decoded(mail: Received): string {
  return mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
}

/** The secret of the link `http://daf.test/<page>/SECRET` in a message; throws if there is none. */
export function linkIn(mail: Received, page: string): string {
  const found = new RegExp(`http://daf\\.test/${page}/([A-Za-z0-9_-]+)`).exec(decoded(mail));
  if (!found) throw new Error(`No ${page} link in the mail:\n${mail.raw}`);
  return found[1];
}

/** A header field of a message, unfolded, its UTF-8 encoded-words (RFC 2047) decoded; null when it has none. */
export function headerOf(mail: Received, name: string): string | null {
  const head = mail.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const found = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  if (!found) return null;
  return found[1]
    .trim()
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, words: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(words, 'base64').toString('utf8')
        : Buffer.from(words.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}

/**
 * The body of a message's part of MIME type `type` (`text/plain`, `text/html`), decoded from
 * quoted-printable or base64, whichever nodemailer chose, with its line ends as `\n`; throws if
 * there is no such part.
 */
export function partOf(mail: Received, type: string): string {
  return rawPartOf(mail, type).replace(/\r\n/g, '\n');
}

function rawPartOf(mail: Received, type: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(mail.raw)?.[1];
  const parts = boundary ? mail.raw.split(`--${boundary}`).slice(1, -1) : [mail.raw];
  for (const part of parts) {
    const [head, ...rest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    if (!new RegExp(`^Content-Type:\\s*${type}`, 'im').test(head)) continue;
    const body = rest.join('\n\n');
    const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1].toLowerCase();
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }
  throw new Error(`No ${type} part in the mail:\n${mail.raw}`);
}
