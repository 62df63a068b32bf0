// Naming a figure found in a sentence: the words around it that are its name, and those that are not.

/** Qualifiers written before a figure, and the canonical word reported for each. */
export const QUALIFIERS_BEFORE: [string, string][] = [
  ["超过", "超"],
  ["突破", "超"],
  ["接近", "近"],
  ["将近", "近"],
  ["大约", "约"],
  ["约为", "约"],
  ["逾", "逾"],
  ["超", "超"],
  ["近", "近"],
  ["约", "约"],
];
export const APPROXIMATE = new Set(["余", "多", "逾", "超", "近", "约", "左右", "以上"]);

/** Chinese single digits (两场, 三次) count only right after these words; elsewhere they are wording (两个社区, 一张网). */
export const SMALL_CN_ALLOWED_AFTER = /(了|共|开展|举办|进行|组织|召开|完成|累计|共计|新增|发放|办理)$/;

export const CLAUSE_BOUNDARY = "，；：。！？";
const NAME_BOUNDARY = "，；：。！？、（）《》【】 ";

const TIME_WORDS =
  /(?:19|20)\d{2}年度?|\d{1,2}(?:-\d{1,2})?月份?(?:以来)?|\d{1,2}日|截[至止](?:目前)?|目前|全年|今年(?:以来)?|年内|上半年|下半年|年初以来|以来|同期/g;
const LEADING_NOISE =
  /^(?:其中|同时|此外|另外|共计|合计|总计|累计|共|全街道|全街|全省|全市|全区|全县|全镇|全乡|全体|我街道|我街|我镇|我区|我市|我省|我们|据统计|经统计|预计|力争|确保|已经|已|并|和|及|与|其|为|在|对|向|从|由|现)/;
const TRAILING_NOISE =
  /(?:累计完成|完成了|完成|共计|合计|总计|累计|共有|共|达到了|达到|达|约为|为|是|有|约|近|逾|超过|超|实现|突破|已|了|(?<=..)[和及与]|的|分别为|分别|仅|只|计|全年|预计|控制在|保持在|稳定在|增至|提高到|提升至|提高至|上升到|下降到|降至|到|至|从|等|参加|参与)$/;
export const SPLIT_VERBS = [
  "开展",
  "举办",
  "组织",
  "发放",
  "提供",
  "办理",
  "录制",
  "解决",
  "推送",
  "发现",
  "登记",
  "受理",
  "接待",
  "引进",
  "培育",
  "申请",
  "输送",
  "排查",
  "检查",
  "抽查",
  "进行",
  "参加",
  "召开",
  "完成",
  "实现",
  "投入",
  "发行",
  "兑现",
  "打造",
  "建成",
  "新建",
  "改造",
  "签约",
  "招引",
  "帮助",
  "协助",
  "走访",
  "慰问",
  "救助",
  "资助",
  "达成",
  "收集",
  "上报",
  "录入",
  "安装",
  "设立",
  "获批",
  "创建",
  "认定",
  "选派",
  "举行",
  "清理",
  "查处",
  "制定",
  "梳理",
  "观看",
  "惠及",
  "覆盖",
  "带动",
  "吸引",
];
const SPLIT_VERBS_BY_FIRST_CHAR = new Map<string, string[]>();
for (const verb of SPLIT_VERBS) SPLIT_VERBS_BY_FIRST_CHAR.set(verb[0], [...(SPLIT_VERBS_BY_FIRST_CHAR.get(verb[0]) ?? []), verb]);

/** A bare verb after another figure names the same thing: "发现矛盾纠纷1226件，调处1226件". */
export const FOLLOW_UP_VERBS = new Set([
  "调处",
  "化解",
  "办结",
  "处理",
  "整改",
  "解决",
  "受理",
  "回访",
  "核查",
  "办理",
  "结案",
  "调解",
  "销号",
  "完成",
]);
const RIGHT_NOUN_STOP_CHARS = "的和与及等为在供获已被以到对向给将由从比占、，。；：！？（）《》 0123456789";
/** Verbs that end the noun written after a counter: "90家企业进行招聘", "689万户增至951万户". */
const RIGHT_NOUN_STOP_VERBS = [
  ...SPLIT_VERBS,
  "增至",
  "增加",
  "增长",
  "下降",
  "减少",
  "提高",
  "提升",
  "达到",
  "突破",
  "超过",
  "降至",
  "升至",
  "同比",
  "入选",
  "居全国",
  "居西部",
  "居第",
  "投产",
  "通车",
  "参与",
  "选择",
  "累计",
  "惠及",
  "覆盖",
  "带动",
  "实行",
  "享受",
  "纳入",
];

export function cleanName(raw: string): string {
  let name = raw
    .replace(TIME_WORDS, "")
    .replace(/[“”‘’"]/g, (q) => q)
    .trim();
  for (let guard = 0; guard < 6; guard++) {
    const before = name;
    name = name.replace(LEADING_NOISE, "").replace(TRAILING_NOISE, "").trim();
    if (name === before) break;
  }
  return name;
}

/** Words that name nothing on their own: "失业再就业完成人数" keeps its subject. */
const GENERIC_NOUNS = new Set(["人数", "数量", "总数", "金额", "次数", "户数", "个数", "件数", "人次", "总量", "规模"]);

/**
 * "四平市第一粮库完成销售额" → "销售额": the noun after the last verb, when there is one;
 * "叶酸共计发放" → "叶酸": a verb at the end goes.
 */
export function afterLastVerb(name: string): string {
  let best = name;
  // From the right: the first verb with a real noun after it wins.
  search: for (let at = name.length - 2; at >= 0; at--) {
    const verbs = SPLIT_VERBS_BY_FIRST_CHAR.get(name[at]);
    if (!verbs) continue;
    for (const verb of verbs) {
      if (!name.startsWith(verb, at)) continue;
      const rest = cleanName(name.slice(at + verb.length));
      if (rest.length >= 2) {
        best = GENERIC_NOUNS.has(rest) ? cleanName(name.slice(0, at)) + rest : rest;
        break search;
      }
    }
  }
  for (let guard = 0; guard < 3; guard++) {
    const verb = SPLIT_VERBS.find((v) => best.endsWith(v) && best.length - v.length >= 2);
    if (!verb) break;
    best = cleanName(best.slice(0, best.length - verb.length));
  }
  return best;
}

/** "失业率失业率" (a slip in the source) → "失业率". */
export function undouble(name: string): string {
  const half = name.length / 2;
  return Number.isInteger(half) && half > 0 && name.slice(0, half) === name.slice(half) ? name.slice(0, half) : name;
}

/** "新参：3人" → "新参": a short label right before a colon names the figure after it. */
export function labelBeforeColon(s: string, colonAt: number): string {
  if (s[colonAt] !== "：") return "";
  const start = lastBoundary(s, colonAt, NAME_BOUNDARY, 0);
  const label = cleanName(s.slice(start, colonAt));
  return label.length <= 8 ? label : "";
}

export function rightNoun(s: string, pos: number): string {
  let end = pos;
  while (
    end < s.length &&
    end - pos < 14 &&
    !RIGHT_NOUN_STOP_CHARS.includes(s[end]) &&
    !RIGHT_NOUN_STOP_VERBS.some((v) => s.startsWith(v, end))
  ) {
    end++;
  }
  return tidyName(s.slice(pos, end));
}

/** Drops dashes, dots and unbalanced quotes at the edges of a name; keeps at most 20 characters. */
export function tidyName(name: string): string {
  let t = name.replace(/^[^\p{L}\p{N}“‘《]+|[^\p{L}\p{N}”’》%]+$/gu, "");
  if (t.length > 20) {
    t = t.slice(t.length - 20);
    const close = t.indexOf("”");
    const open = t.indexOf("“");
    if (close >= 0 && (open < 0 || open > close)) t = t.slice(close + 1);
  }
  if ((t.match(/“/g)?.length ?? 0) !== (t.match(/”/g)?.length ?? 0)) t = t.replace(/[“”]/g, "");
  return t;
}

/**
 * Start of the name window before `before`: the last clause boundary, looking through a
 * bracketed aside such as "县（市、区）" which belongs to the name.
 */
export function nameWindowStart(s: string, before: number, floor: number): number {
  let i = before - 1;
  while (i >= floor) {
    const ch = s[i];
    if (ch === "）") {
      const open = s.lastIndexOf("（", i);
      if (open >= floor && i - open <= 30) {
        i = open - 1;
        continue;
      }
    }
    if (NAME_BOUNDARY.includes(ch)) return i + 1;
    i--;
  }
  return floor;
}

export function lastBoundary(s: string, before: number, boundaries: string, floor: number): number {
  for (let i = before - 1; i >= floor; i--) if (boundaries.includes(s[i])) return i + 1;
  return floor;
}
