/**
 * Sending mail (README, "Accounts" and "Command line": `DAF_SMTP_URL`, `DAF_MAIL_FROM`). With an
 * SMTP server configured, nodemailer delivers each message as plain text and HTML. Without one,
 * Daf cannot mail anyone, so the message is written to the server's log instead — enough for one
 * person running Daf on their own machine to follow a confirmation link, and never silent.
 */
import nodemailer from 'nodemailer';
import { AppError } from '../errors.ts';

/** One message. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Header fields of its own (a digest's `List-Unsubscribe` and `List-Unsubscribe-Post`), added as given. */
  headers?: Record<string, string>;
}

/** Where mail goes. `send` throws 503 `mail_failed` when it cannot be handed over. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  /**
   * False for a mailer that reaches no one (`logMailer`: no `DAF_SMTP_URL`), so that what only
   * makes sense by mail (digests) is off and the account page says so. Any other mailer delivers.
   */
  readonly delivers?: boolean;
}

/** Whether mail from `mailer` reaches anyone. */
export function mailDelivers(mailer: Mailer): boolean {
  return mailer.delivers !== false;
}

/** A mailer that hands each message to the SMTP server at `url` (`smtp://host:port`, `smtps://…`, with user:password if needed). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      try {
        // nodemailer's `headers` adds the fields as they are, after its own.
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers ?? {} });
      } catch (e) {
        throw new AppError('mail_failed', 503, `The mail to ${mail.to} could not be sent (${(e as Error).message.split('\n')[0]}); nothing was changed, try again later`);
      }
    },
  };
}

/** A mailer for a server with no SMTP: each message goes to `log`, as text. */
export function logMailer(log: (line: string) => void): Mailer {
  return {
    delivers: false,
    send(mail) {
      log(`Mail (no DAF_SMTP_URL, so not sent) to ${mail.to}: ${mail.subject}\n${mail.text}`);
      return Promise.resolve();
    },
  };
}

/** The mailer the environment asks for: SMTP when `DAF_SMTP_URL` is set, else the log. */
export function mailerFromEnv(env: NodeJS.ProcessEnv, log: (line: string) => void): Mailer {
  const url = env.DAF_SMTP_URL;
  if (!url) return logMailer(log);
  return smtpMailer(url, env.DAF_MAIL_FROM || 'Daf <daf@localhost>');
}
