import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Locale, Texts } from '../../content/texts.js';

/**
 * The custom menu (content/wechat/menu.json): its buttons, each named by a content key and, for a click
 * button, the command a click means. Published by npm run wechat:menu (scripts/wechat-menu.ts); a click
 * reaches /wechat as a CLICK event with the button's key, and is taken as that command's words.
 */

export const MENU_FILE = new URL('../../../content/wechat/menu.json', import.meta.url);

const clickButton = z.object({ type: z.literal('click'), name: z.string().min(1), key: z.string().regex(/^[A-Z_]{1,64}$/), command: z.string().min(1) });
const menuSchema = z.object({
  button: z
    .array(z.union([clickButton, z.object({ name: z.string().min(1), sub_button: z.array(clickButton).min(1).max(5) })]))
    .min(1)
    .max(3),
});

export type MenuDefinition = z.output<typeof menuSchema>;

export function loadMenu(file: URL | string = MENU_FILE): MenuDefinition {
  const parsed = menuSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${String(file)}: not a menu definition (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** Every click button's key and the command it means. */
export function menuCommands(menu: MenuDefinition): Map<string, string> {
  const clicks = menu.button.flatMap((b) => ('sub_button' in b ? b.sub_button : [b]));
  return new Map(clicks.map((b) => [b.key, b.command]));
}

/** The menu as WeChat's menu API takes it, its names in `locale`. */
export function renderMenu(menu: MenuDefinition, texts: Texts, locale: Locale): { button: unknown[] } {
  const click = (b: z.output<typeof clickButton>) => ({ type: 'click', name: texts.t(locale, b.name), key: b.key });
  return { button: menu.button.map((b) => ('sub_button' in b ? { name: texts.t(locale, b.name), sub_button: b.sub_button.map(click) } : click(b))) };
}

/**
 * Publishes the menu to the account (npm run wechat:menu): in Chinese for everyone, and in English for
 * people whose WeChat is set to English (a conditional menu matching language "en"). Returns the paths called.
 */
export async function publishMenu(api: { createMenu(menu: unknown, conditional?: boolean): Promise<void> }, texts: Texts, menu: MenuDefinition = loadMenu()): Promise<string[]> {
  await api.createMenu(renderMenu(menu, texts, 'zh-CN'));
  await api.createMenu({ ...renderMenu(menu, texts, 'en-US'), matchrule: { language: 'en' } }, true);
  return ['/cgi-bin/menu/create', '/cgi-bin/menu/addconditional'];
}
