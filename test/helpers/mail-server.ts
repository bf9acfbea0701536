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
