/**
 * A strict, minimal XML 1.0 well-formedness check for the JUnit report (Node has no XML parser
 * and the project installs none): one root, balanced tags, quoted unique attributes, only the
 * five predefined entities or numeric references, no characters XML 1.0 forbids. Returns the
 * problems found (empty when well-formed) and the element tree's names for assertions.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9._:-]*/;
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function decode(raw: string, problems: string[], where: number): string {
  return raw.replace(/&([^;]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) {
      problems.push(`bare & at ${where}`);
      return match;
    }
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const value = named[body];
    if (value !== undefined) return value;
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (numeric !== null && numeric[1] !== undefined) {
      const code = numeric[1].startsWith('x') ? parseInt(numeric[1].slice(1), 16) : parseInt(numeric[1], 10);
      const ch = String.fromCodePoint(code);
      if (FORBIDDEN.test(ch)) problems.push(`reference to forbidden character ${body} at ${where}`);
      return ch;
    }
    problems.push(`unknown entity &${body}; at ${where}`);
    return match;
  });
}

export function checkXml(xml: string): { problems: string[]; root?: XmlElement } {
  const problems: string[] = [];
  if (FORBIDDEN.test(xml)) problems.push('contains a character XML 1.0 forbids');
  let pos = 0;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) return { problems: ['unterminated XML declaration'] };
    pos = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = lt < 0 ? xml.slice(pos) : xml.slice(pos, lt);
    if (text.includes('>')) problems.push(`unescaped > in text at ${pos}`);
    const decoded = decode(text, problems, pos);
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += decoded;
    else if (decoded.trim() !== '') problems.push(`text outside the root at ${pos}`);
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) {
      problems.push(`unterminated tag at ${lt}`);
      break;
    }
    const tag = xml.slice(lt + 1, gt);
    pos = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open?.name !== name) problems.push(`</${name}> closes <${open?.name ?? 'nothing'}> at ${lt}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = NAME.exec(body);
    if (nameMatch === null) {
      problems.push(`bad tag name at ${lt}`);
      continue;
    }
    const element: XmlElement = { name: nameMatch[0], attributes: {}, children: [], text: '' };
    let rest = body.slice(nameMatch[0].length);
    while (rest.trim() !== '') {
      const attr = /^\s+([A-Za-z_][A-Za-z0-9._:-]*)="([^"<]*)"/.exec(rest);
      if (attr === null || attr[1] === undefined || attr[2] === undefined) {
        problems.push(`bad attribute syntax in <${element.name}> at ${lt}: ${rest.slice(0, 40)}`);
        break;
      }
      if (attr[1] in element.attributes) problems.push(`duplicate attribute ${attr[1]} at ${lt}`);
      element.attributes[attr[1]] = decode(attr[2], problems, lt);
      rest = rest.slice(attr[0].length);
    }
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(element);
    else if (root === undefined) root = element;
    else problems.push(`second root element at ${lt}`);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.map((e) => e.name).join('> <')}>`);
  if (root === undefined) problems.push('no root element');
  return root === undefined ? { problems } : { problems, root };
}
