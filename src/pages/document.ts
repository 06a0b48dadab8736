import type { Locale } from '../content/texts.js';

/**
 * A page beside the chat (the privacy notice, a filing's receipt) as words only, in one language: the
 * web channel renders it as HTML with its own print styles. Every string is already worded from
 * content/, the region profile and the configuration; the renderer adds no words of its own.
 */
export interface DocumentView {
  locale: Locale;
  title: string;
  /** A line under the title (whose service this is). */
  lead?: string;
  /** A value shown in large type with a copy button, e.g. the filing's reference. */
  highlight?: { label: string; value: string; copy: string; copied: string };
  sections: DocumentSection[];
  /** Closing lines (contact). */
  notes?: string[];
  /** The words of the page's own controls. */
  controls: { back: string; print?: string };
}

export interface DocumentSection {
  /** What the section is (for a view that shows only some of it: the receipt in the chat). */
  key?: string;
  heading: string;
  /** Label and value pairs, one per line (`key`: what the row is). */
  rows?: Array<{ key?: string; label: string; value: string; lines?: string[] }>;
  /** A bulleted list. */
  items?: string[];
  paragraphs?: string[];
}
