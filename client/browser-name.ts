/**
 * A browser as a person knows it ("Firefox on Android"), from the User-Agent it sent when a
 * session began: enough to tell one's sessions apart on the account page, nothing more. The
 * order matters: Edge and Opera say "Chrome" too, and every Chromium says "Safari".
 */
const browsers: [RegExp, string][] = [
  [/Edg(A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const systems: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Firefox on Android", "Chrome", "curl" (a program names itself), or "An unknown browser". */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return 'An unknown browser';
  const browser = browsers.find(([re]) => re.test(userAgent))?.[1];
  const system = systems.find(([re]) => re.test(userAgent))?.[1];
  if (browser) return system ? `${browser} on ${system}` : browser;
  // A program (curl/8.5, a script): its own first word.
  const word = /^[A-Za-z][\w.-]{0,30}/.exec(userAgent)?.[0];
  return word && word !== 'Mozilla' ? word : system ? `A browser on ${system}` : 'An unknown browser';
}
