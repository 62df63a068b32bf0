import { matchHeading } from "~/lib/importer/headings";

export type LineKind = "blank" | "furniture" | "content" | "title" | "signature" | "appendix";

/** One line of the normalised text; start/end bound the trimmed content. */
export interface Line {
  index: number;
  start: number;
  end: number;
  text: string;
  kind: LineKind;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = n;
    let s = pos;
    let e = nl;
    while (s < e && text.charCodeAt(s) === 0x20) s++;
    while (e > s && text.charCodeAt(e - 1) === 0x20) e--;
    const content = text.slice(s, e);
    lines.push({ index: lines.length, start: s, end: e, text: content, kind: content.length === 0 ? "blank" : "content" });
    if (nl >= n) break;
    pos = nl + 1;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Page furniture: what a web page wraps around an article (breadcrumbs, 来源/发布时间, 字号 大 中 小,
// 打印/关闭, share buttons, related links). None of it is part of the summary.

/** Words that make up toolbar and footer lines of government web pages. */
const TOOLBAR_WORDS = new Set([
  "大",
  "中",
  "小",
  "加大",
  "还原",
  "减小",
  "默认",
  "下载",
  "打印",
  "全屏",
  "收藏",
  "关闭",
  "关闭窗口",
  "打印本页",
  "打印此页",
  "打印页面",
  "打印文章",
  "返回顶部",
  "回到顶部",
  "返回",
  "分享",
  "分享到",
  "字号",
  "字体",
  "扫一扫在手机打开当前页",
  "手机扫一扫",
  "扫一扫",
  "相关附件",
  "相关链接",
  "相关报道",
  "相关新闻",
  "相关阅读",
  "相关文章",
  "上一篇",
  "下一篇",
  "责任编辑",
  "来源",
  "发布时间",
  "作者",
  "浏览次数",
  "阅读次数",
  "微信",
  "微博",
  "QQ空间",
  "QQ",
  "朋友圈",
  "纠错",
  "我要纠错",
  "首页",
  "视力保护色",
  "保存",
  "复制链接",
  "[",
  "]",
  "|",
]);

/** Toolbar/footer words after which a web page has no more article text. */
const END_OF_ARTICLE = new Set([
  "责任编辑",
  "相关链接",
  "相关附件",
  "相关报道",
  "相关新闻",
  "相关阅读",
  "相关文章",
  "扫一扫在手机打开当前页",
  "手机扫一扫",
  "打印本页",
  "关闭窗口",
  "返回顶部",
  "回到顶部",
  "上一篇",
  "下一篇",
]);

const KEY_VALUE =
  /^(来源|信息来源|文章来源|稿件来源|稿源|发布时间|发布日期|发文日期|更新时间|时间|日期|作者|编辑|责任编辑|审核|审校|校对|浏览次数|阅读次数|点击次数|点击数|访问次数|浏览量|阅读量|字号|字体|索引号|发文机关|发布机构|发文字号|文号|主题分类|成文日期|分享到|分享|信息分类|公开方式|公开范围|所属机构|来源单位|上一篇|下一篇)[ ]*[：:]/;
const BREADCRUMB_START = /^(首页|当前位置|您的位置|您当前的位置|您现在的位置|当前所在位置|位置)/;
const TIMESTAMP = /^\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?[ ]*\d{1,2}[:时]\d{1,2}/;
const HEX_ID = /^[0-9a-fA-F]{16,}[：:]?$/;
const REPOST = /^[（【]?(本文)?(转载自|转自|原文链接|原标题|来源于|文章转载|转载|本文来源|原文来源)/;
const ONLY_BRACKETS = /^[【】\[\]|｜>»›：:\s]+$/;

function toolbarTokens(text: string): string[] {
  return text
    .split(/[ 【】\[\]|｜/·•>»›]+/)
    .map((t) => t.replace(/[：:>»]+$/, ""))
    .filter((t) => t.length > 0);
}

function isToolbarLine(text: string): boolean {
  if (ONLY_BRACKETS.test(text)) return true;
  if (text.length > 60) return false;
  const tokens = toolbarTokens(text);
  return tokens.length > 0 && tokens.every((t) => TOOLBAR_WORDS.has(t));
}

function countBreadcrumbArrows(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ">" || c === "»" || c === "›" || c === "→") n++;
  }
  return n;
}

function hasSentenceEnd(text: string): boolean {
  return text.includes("。");
}

export function isFurnitureLine(text: string): boolean {
  if (isToolbarLine(text)) return true;
  if (text.length <= 100 && !hasSentenceEnd(text) && KEY_VALUE.test(text)) return true;
  if (text.length <= 160 && !hasSentenceEnd(text)) {
    const arrows = countBreadcrumbArrows(text);
    if (arrows >= 2 || (arrows >= 1 && BREADCRUMB_START.test(text))) return true;
  }
  if (text.length <= 60 && TIMESTAMP.test(text)) return true;
  if (HEX_ID.test(text)) return true;
  if (text.length <= 100 && !hasSentenceEnd(text) && REPOST.test(text)) return true;
  return false;
}

/** A key line with its value on the next line ("来源:" / "四川日报"). */
function isBareKey(text: string): boolean {
  return /^(来源|信息来源|文章来源|作者|编辑|责任编辑|审核|发布机构|发布时间|时间)[ ]*[：:]?$/.test(text);
}

/**
 * Marks furniture lines. Besides single lines, once the page footer starts (责任编辑, 相关链接,
 * 打印本页 …) after the last numbered heading, everything after it is footer: related-article
 * titles, a repeated title, the page description.
 */
export function markFurniture(lines: Line[]): void {
  let lastHeading = -1;
  for (const line of lines) {
    if (line.kind !== "content") continue;
    if (isFurnitureLine(line.text)) {
      line.kind = "furniture";
      continue;
    }
    if (matchHeading(line.text)) lastHeading = line.index;
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.kind !== "furniture" || !isBareKey(line.text)) continue;
    const next = nextNonBlank(lines, i);
    if (next && next.kind === "content" && next.text.length <= 20 && !/[。，；]/.test(next.text)) next.kind = "furniture";
  }

  if (lastHeading < 0) return;
  for (let i = lastHeading + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.kind !== "furniture") continue;
    if (!toolbarTokens(line.text).some((t) => END_OF_ARTICLE.has(t))) continue;
    for (let k = i + 1; k < lines.length; k++) if (lines[k].kind === "content") lines[k].kind = "furniture";
    return;
  }
}

function nextNonBlank(lines: Line[], i: number): Line | undefined {
  for (let k = i + 1; k < lines.length; k++) if (lines[k].kind !== "blank") return lines[k];
  return undefined;
}

/** 名词解释 / 附件 / 注释 after the body: explanatory matter, not part of the report's sections. */
const APPENDIX_START = /^(名词解释|名词注释|注释|注|附件[ ]*\d*|附录|附表[ ]*\d*|附)[ ]*[：:]?$/;

export function markAppendix(lines: Line[]): void {
  let seenHeading = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.kind !== "content") continue;
    if (!seenHeading) {
      if (matchHeading(line.text)) seenHeading = true;
      continue;
    }
    if (APPENDIX_START.test(line.text)) {
      for (let k = i; k < lines.length; k++) if (lines[k].kind === "content") lines[k].kind = "appendix";
      return;
    }
  }
}
