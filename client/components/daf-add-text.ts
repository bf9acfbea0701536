import { LitElement, html, css, nothing } from 'lit';
import { ApiError, api, type Group, type TextPreview } from '../api.ts';
import { ActionController } from '../controllers/action-controller.ts';
import { textDirection } from '../layout/text-direction.ts';
import { SessionController } from '../session.ts';
import { groupFormStyles } from './group-form.ts';
import { groupPageFrame, groupStyles } from './group-styles.ts';

type Format = 'markdown' | 'plain' | 'sefaria' | 'html' | 'docx';

/** The files Daf reads, by extension. */
const formatOfExtension: Record<string, Format> = { md: 'markdown', markdown: 'markdown', txt: 'plain', json: 'sefaria', html: 'html', htm: 'html', docx: 'docx' };
/** The largest file read: the server takes at most this much text (10 MiB, in characters). */
const maxFileBytes = 10 * 1024 * 1024;
/** The largest Word document: it travels as base64, a third longer, within those 10 MiB. */
const maxDocxBytes = 7 * 1024 * 1024;
/** The server's codes that concern the text itself: their message shows beside it. */
const contentCodes = new Set(['invalid_content', 'too_large', 'too_many_blocks', 'payload_too_large']);

/** The language its letters suggest: Hebrew, Arabic, else English. */
function languageOf(text: string): string {
  const hebrew = text.match(/[\u0590-\u05FF]/g)?.length ?? 0;
  const arabic = text.match(/[\u0600-\u06FF]/g)?.length ?? 0;
  if (textDirection(text) !== 'rtl') return 'en';
  return hebrew >= arabic ? 'he' : 'ar';
}

/** The format the pasted words look like: a JSON object is a Sefaria export, a page's source HTML, else Markdown. */
function formatOf(text: string): Format {
  if (/^\s*\{/.test(text)) return 'sefaria';
  if (/^\s*(<!doctype html|<html[\s>])/i.test(text) || /^\s*<(p|div|article|h[1-6])[\s>]/i.test(text)) return 'html';
  return 'markdown';
}

/** The words of a text file, or null when it is not text (not UTF-8, or holding NUL bytes: a binary file renamed). */
async function textOfFile(file: File): Promise<string | null> {
  try {
    const words = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    return words.includes('\0') ? null : words;
  } catch {
    return null;
  }
}

/** A Word document's bytes as base64, or null when they are not a zip archive (what every .docx is). */
async function base64OfDocx(file: File): Promise<string | null> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 3 || bytes[3] !== 4) return null;
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * `/t/new` (with `?group=slug` from a group's page): a new text. Its words are pasted or read
 * from a file (Markdown, plain text, a web page, a Sefaria JSON export — shown in the box — or a
 * Word document, sent as it is); its format, language and direction are guessed from them until
 * the person chooses. **Preview** asks the server what the text would
 * be — its passages, as they will be glossed — and **Create text** makes it and opens it. The
 * server judges both: a message about the words shows beside them, any other under the form.
 */
export class DafAddText extends LitElement {
  static override styles = [
    groupStyles,
    groupPageFrame,
    groupFormStyles,
    css`
      form {
        max-inline-size: 40rem;
      }
      textarea[name='content'] {
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
        min-block-size: 12rem;
      }
      .row {
        display: flex;
        gap: 1rem;
        flex-wrap: wrap;
      }
      .row label {
        flex: 1;
        min-inline-size: 10rem;
      }
      .preview ol {
        margin: 0.5rem 0 0;
        padding-inline-start: 0;
        list-style: none;
        max-inline-size: 40rem;
      }
      .preview li {
        display: flex;
        gap: 0.75rem;
        padding: 0.3rem 0;
        border-block-end: 1px solid var(--daf-rule, #ddd);
      }
      .preview .ref {
        flex: none;
        min-inline-size: 3rem;
        font: 0.8rem system-ui, sans-serif;
        color: var(--daf-muted);
      }
    `,
  ];

  static override properties = {
    group: { state: true },
    format: { state: true },
    language: { state: true },
    direction: { state: true },
    preview: { state: true },
    fileError: { state: true },
    docx: { state: true },
  };

  /** The group the text is for (from `?group=`), once read; null for one's own text. */
  declare group: Group | null;
  declare format: Format;
  declare language: string;
  declare direction: 'auto' | 'ltr' | 'rtl';
  /** What the server said the text would be. */
  declare preview: TextPreview | null;
  /** Why a file was not read. */
  declare fileError: string;
  /** The Word document chosen, which the text box cannot show: its name and its bytes in base64. */
  declare docx: { name: string; base64: string } | null;

  private readonly session = new SessionController(this);
  private readonly actions = new ActionController(this);
  /** The group's slug from the URL, or ''. */
  private readonly groupSlug = new URLSearchParams(location.search).get('group') ?? '';
  /** What the person chose themselves, which the guesses leave alone. */
  private readonly chosen = new Set<'format' | 'language' | 'direction'>();

  constructor() {
    super();
    this.group = null;
    this.format = 'markdown';
    this.language = 'en';
    this.direction = 'auto';
    this.preview = null;
    this.fileError = '';
    this.docx = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = 'Add a text · Daf';
    if (this.groupSlug) {
      void this.actions.run(async () => {
        this.group = await api.group(this.groupSlug);
      });
    }
  }

  private get form(): HTMLFormElement {
    return this.renderRoot.querySelector('form')!;
  }

  /** Guesses what was not chosen from the words. */
  private guess(words: string) {
    if (!this.chosen.has('format')) this.format = formatOf(words);
    if (!this.chosen.has('language')) this.language = languageOf(words);
    if (!this.chosen.has('direction')) this.direction = 'auto';
    this.preview = null;
  }

  private onWords = (event: InputEvent) => {
    // The words are the person's now, no longer the file's.
    this.form.querySelector<HTMLInputElement>('input[type=file]')!.value = '';
    this.guess((event.target as HTMLTextAreaElement).value);
  };

  private choose(what: 'format' | 'language' | 'direction', event: Event) {
    this.chosen.add(what);
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value;
    if (what === 'format') this.format = value as Format;
    else if (what === 'language') this.language = value;
    else this.direction = value as DafAddText['direction'];
    this.preview = null;
  }

  /** Reads a chosen file into the text box (a Word document beside it); refuses what Daf does not read, saying why. */
  private async onFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    this.fileError = '';
    this.docx = null;
    if (!file) return;
    const refuse = (why: string) => {
      this.fileError = why;
      input.value = '';
    };
    const extension = /\.([a-z]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
    const format = formatOfExtension[extension];
    if (!format) return refuse(`Daf reads Markdown (.md), plain text (.txt), web pages (.html), Word documents (.docx) and Sefaria exports (.json); “${file.name}” is none of these.`);
    const limit = format === 'docx' ? maxDocxBytes : maxFileBytes;
    if (file.size > limit) return refuse(`“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB: ${format === 'docx' ? 'a Word document' : 'a text'} may be at most ${limit / 1024 / 1024} MB.`);
    const box = this.form.querySelector<HTMLTextAreaElement>('textarea[name=content]')!;
    const title = this.form.querySelector<HTMLInputElement>('input[name=title]')!;
    let suggested = file.name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ');
    if (format === 'docx') {
      const base64 = await base64OfDocx(file);
      if (base64 === null) return refuse(`“${file.name}” is not a Word document (.docx), whatever its name says.`);
      box.value = '';
      this.docx = { name: file.name, base64 };
      this.preview = null;
    } else {
      const words = await textOfFile(file);
      if (words === null) return refuse(`“${file.name}” is not a text file (it is not UTF-8 text), whatever its name says.`);
      box.value = words;
      this.guess(words);
      // A page names itself; the browser's parser reads its title without running anything.
      if (format === 'html') suggested = new DOMParser().parseFromString(words, 'text/html').title.trim() || suggested;
    }
    // The file's kind says its format, until the words are changed or a format is chosen.
    if (!this.chosen.has('format') || format === 'docx') this.format = format;
    if (!title.value) title.value = suggested;
  }

  /** The text as the form holds it (a Word document as its base64); a Sefaria export goes as JSON (a file that is not JSON, the server says so). */
  private input() {
    const data = new FormData(this.form);
    const content = this.docx && this.format === 'docx' ? this.docx.base64 : String(data.get('content') ?? '');
    const optional = (name: string) => {
      const v = String(data.get(name) ?? '').trim();
      return v ? { [name]: v } : {};
    };
    return {
      title: String(data.get('title') ?? '').trim(),
      format: this.format,
      content,
      language: this.language.trim(),
      ...(this.direction === 'auto' ? {} : { direction: this.direction }),
      ...optional('license'),
      ...optional('attribution'),
      visibility: String(data.get('visibility')) as 'public' | 'group' | 'private',
      ...(this.group ? { group: this.group.slug } : {}),
    };
  }

  private async showPreview() {
    if (!this.form.reportValidity()) return;
    const { title, format, content } = this.input();
    await this.actions.run(async () => {
      this.preview = await api.previewText({ title, format, content });
    });
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    let slug = '';
    await this.actions.run(async () => {
      slug = (await api.createText(this.input())).slug;
    });
    if (slug) this.dispatchEvent(new CustomEvent('daf-navigate', { bubbles: true, composed: true, detail: { path: `/t/${encodeURIComponent(slug)}` } }));
  }

  /** Is the last refusal about the words themselves? */
  private get contentRefused(): boolean {
    const f = this.actions.failure;
    return f instanceof ApiError && contentCodes.has(f.code);
  }

  private previewSection(p: TextPreview) {
    const passages = p.segments || p.blocks;
    return html`<section class="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p class="meta">
        ${p.segments ? `${p.segments} passages with refs` : `${p.blocks} paragraphs`} · ${p.characters.toLocaleString('en')} characters${passages > p.sample.length
          ? ` · the first ${p.sample.length} shown`
          : ''}
      </p>
      <ol aria-label="The first passages">
        ${p.sample.map((s) => html`<li>${s.ref ? html`<span class="ref">${s.ref}</span>` : nothing}<span dir=${textDirection(s.text)}>${s.text}</span></li>`)}
      </ol>
    </section>`;
  }

  override render() {
    if (!this.session.known) return html`<p aria-busy="true">Loading…</p>`;
    if (!this.session.me) return html`<h1>Add a text</h1><p>Log in or sign up (at the top of the page) to add a text.</p>`;
    if (this.groupSlug && !this.group) return this.actions.error ? html`<h1>Add a text</h1>${this.actions.regions()}` : html`<p aria-busy="true">Loading the group…</p>`;
    const g = this.group;
    const refused = this.contentRefused;
    return html`<h1>${g ? `Add a text to ${g.name}` : 'Add a text'}</h1>
      <form @submit=${this.create} aria-label="A new text">
        <label>Title<input name="title" required maxlength="300" /></label>
        <label
          >Text
          <textarea
            name="content"
            ?required=${!this.docx}
            ?disabled=${!!this.docx}
            placeholder=${this.docx ? `Read from ${this.docx.name}: Preview shows its passages` : ''}
            spellcheck="false"
            aria-invalid=${refused ? 'true' : 'false'}
            aria-describedby="content-hint ${refused ? 'content-error' : ''}"
            @input=${this.onWords}
          ></textarea>
          <span class="hint" id="content-hint"
            >Paste the text, or read it from a file below. Markdown, web pages and Word documents keep their headings, lists, quotes and emphasis; a web page keeps only its
            reading content.</span
          >
          ${refused ? html`<span class="field-error" id="content-error" role="alert">${this.actions.error}</span>` : nothing}
        </label>
        <label
          >Or a file
          <input name="file" type="file" accept=".md,.markdown,.txt,.json,.html,.htm,.docx,text/markdown,text/plain,application/json,text/html,application/vnd.openxmlformats-officedocument.wordprocessingml.document" @change=${this.onFile} aria-describedby=${this.fileError ? 'file-error' : nothing} />
          ${this.fileError ? html`<span class="field-error" id="file-error" role="alert">${this.fileError}</span>` : nothing}
        </label>
        <div class="row">
          <label
            >Format
            <select name="format" .value=${this.format} @change=${(e: Event) => this.choose('format', e)}>
              <option value="markdown">Markdown</option>
              <option value="plain">Plain text (a paragraph per blank line)</option>
              <option value="html">Web page (HTML)</option>
              <option value="sefaria">Sefaria export (JSON)</option>
              <option value="docx" ?hidden=${!this.docx} ?disabled=${!this.docx}>Word document</option>
            </select>
          </label>
          <label
            >Language
            <input name="language" required list="languages" .value=${this.language} @change=${(e: Event) => this.choose('language', e)} />
            <datalist id="languages">
              <option value="en">English</option>
              <option value="he">Hebrew</option>
              <option value="arc">Aramaic</option>
              <option value="ar">Arabic</option>
              <option value="yi">Yiddish</option>
              <option value="el">Greek</option>
              <option value="la">Latin</option>
              <option value="de">German</option>
              <option value="fr">French</option>
            </datalist>
          </label>
          <label
            >Direction
            <select name="direction" .value=${this.direction} @change=${(e: Event) => this.choose('direction', e)}>
              <option value="auto">By the language</option>
              <option value="ltr">Left to right</option>
              <option value="rtl">Right to left</option>
            </select>
          </label>
        </div>
        <div class="row">
          <label>Licence<input name="license" maxlength="300" placeholder="e.g. Public domain, CC BY 4.0" /></label>
          <label>Attribution<input name="attribution" maxlength="1000" placeholder="Translator, edition, source" /></label>
        </div>
        <label
          >Who may read it
          <select name="visibility">
            ${g
              ? html`<option value="group" selected>The group’s members</option>
                  <option value="public">Everyone</option>`
              : html`<option value="public" selected>Everyone</option>
                  <option value="private">Only me</option>`}
          </select>
        </label>
        <div class="actions">
          <button type="button" ?disabled=${this.actions.busy} @click=${this.showPreview}>Preview</button>
          <button type="submit" class="primary" ?disabled=${this.actions.busy}>Create text</button>
        </div>
      </form>
      ${refused ? nothing : this.actions.regions()} ${this.preview ? this.previewSection(this.preview) : nothing}`;
  }
}

customElements.define('daf-add-text', DafAddText);

declare global {
  interface HTMLElementTagNameMap {
    'daf-add-text': DafAddText;
  }
}
