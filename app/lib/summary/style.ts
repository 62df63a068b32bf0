/**
 * How the summary writer speaks: a short style guide, and the checks that hold it to it.
 *
 * The draft is an official document (工作总结) a 街道 党政办 sends up to the 区 under the
 * leader's signature. It is read by people who never saw the board. So:
 *
 * 1. Sentences, not fragments. A figure is told with the verb phrase of the sentence it came
 *    from ("全年排查商户3640次"), or the one a leader wrote for it. Without one, the measure's
 *    name is the subject ("物业服务类共计342件"): never "全年<noun><number>" with a bare noun.
 * 2. Board words stay on the board. Never 督办灯, 红灯/黄灯/绿灯, 序时进度, 销号/已销号, 待验收,
 *    申请办结, task codes ("2025-05") or "填报". Say instead:
 *      late against plan            → "进度滞后于计划"
 *      past its 完成时限, not done   → "未能按期完成"
 *      已销号 (verified)             → "已完成" / "于…完成"
 *      待验收 / 申请办结             → "已基本完成，正在组织验收"
 *      a unit's 困难问题             → "…反映…"
 * 3. Each measure once, with one value. The writer keeps a fact table (measure → value,
 *    period, where stated); a measure reported under several tasks is one figure, told once;
 *    stating it again with another value is a programming error (FactConflict).
 * 4. Comparisons only between comparable figures. 同比 needs last year's figure of the same
 *    period and unit ("全年" against "全年"); a 1-10月 base gives no 同比, and the sentence states
 *    the figure alone. 完成率 is against the year's target of the same measure and unit, and
 *    the figure says its period ("1-11月…，完成年度目标的92%") when the year is not over.
 * 5. Numbers as offices write them (formatNumber); no figure that is not in the data.
 */

/** Words of the board that must never appear in the document. */
export const BOARD_WORDS = ["督办灯", "红灯", "黄灯", "绿灯", "灰灯", "序时进度", "销号", "待验收", "申请办结", "填报", "已结转"] as const;

/** Board words found in a text (an empty list for a clean text). */
export function boardWordsIn(text: string): string[] {
  const found: string[] = BOARD_WORDS.filter((w) => text.includes(w));
  // Task codes as the board shows them ("2025-05").
  const code = /(?<![\d年-])20\d\d-\d{2}(?![\d月-])/u.exec(text);
  if (code) found.push(code[0]);
  return found;
}

/** Verbs offices put before a counted thing ("开展…活动", "排查商户"), longest first. */
const VERBS = [
  "开展",
  "组织",
  "举办",
  "召开",
  "排查",
  "检查",
  "抽查",
  "巡查",
  "走访",
  "入户",
  "办理",
  "受理",
  "调解",
  "化解",
  "发放",
  "完成",
  "实现",
  "达成",
  "提供",
  "录制",
  "培训",
  "慰问",
  "救助",
  "帮扶",
  "整治",
  "清理",
  "查处",
  "消除",
  "改造",
  "新建",
  "建成",
  "修缮",
  "维修",
  "接待",
  "服务",
  "输送",
  "申请",
  "宣讲",
  "招聘",
  "安置",
  "新增",
  "参加",
  "推送",
  "制定",
  "签订",
  "引进",
  "落实",
  "处置",
  "回访",
  "印发",
  "张贴",
  "播放",
].sort((a, b) => b.length - a.length);

/** A measure named with its verb already ("开展宣讲活动", "新增就业人数"). */
const NAME_VERBS = ["开展", "组织", "举办", "办理", "排查", "检查", "走访", "发放", "完成", "新增", "实现"];

/** Verbs that may follow the measure in the source and lead it in a summary ("固定资产投资累计完成2151万元"). */
const TRAILING_VERBS = ["完成", "实现", "达到"];

const CLAUSE_BREAK = /[，,；;。：:！？!?（）()\s]/u;

function verbEnding(text: string): string | null {
  return VERBS.find((v) => text.endsWith(v)) ?? null;
}

/**
 * The verb phrase a figure is told with, read from its source sentence: "共检查商户3184次"
 * gives "检查商户"; in an enumeration ("开展A55次、B55次") each item borrows the verb of the
 * first; "固定资产投资累计完成2151万元" gives "完成固定资产投资". Null when the sentence has no
 * verb for it (the writer then makes the measure's name the subject).
 */
export function sourcePhrase(name: string, sentence: string | null | undefined): string | null {
  const measure = name.trim();
  if (!sentence || !measure) return null;
  if (NAME_VERBS.some((v) => measure.startsWith(v)) && measure.length > 2) return measure;
  let at = sentence.indexOf(measure);
  while (at >= 0) {
    const after = sentence.slice(at + measure.length);
    const trailing = TRAILING_VERBS.find((v) => after.replace(/^(累计|共计|共|已)/u, "").startsWith(v));
    if (trailing) return `${trailing}${measure}`;
    // Walk back through an enumeration ("、") to the verb that governs it.
    let before = sentence.slice(0, at);
    for (let hops = 0; hops < 6; hops += 1) {
      const verb = verbEnding(before.replace(/(共计|累计|共|各类|全年|了)$/u, ""));
      if (verb) return `${verb}${measure}`;
      const enumeration = before.lastIndexOf("、");
      const clauseStart = Math.max(...[...before].map((ch, i) => (CLAUSE_BREAK.test(ch) ? i : -1)));
      if (enumeration < 0 || enumeration < clauseStart || enumeration !== before.length - 1) break;
      // The previous item of the enumeration: skip back over it (its figure and name).
      const previous = before.slice(0, enumeration);
      const itemStart = Math.max(previous.lastIndexOf("、"), ...[...previous].map((ch, i) => (CLAUSE_BREAK.test(ch) ? i : -1)));
      const item = previous.slice(itemStart + 1);
      const verbInItem = VERBS.find((v) => item.includes(v));
      if (verbInItem) return `${verbInItem}${measure}`;
      before = previous.slice(0, itemStart + 1);
    }
    at = sentence.indexOf(measure, at + 1);
  }
  return null;
}

/** The period of this year's figures on a date: "全年" once the year is over, else "1-11月". */
export function periodOf(year: number, asOf: string): string {
  if (asOf >= `${year}-12-31`) return "全年";
  const month = Number(asOf.slice(5, 7));
  return month <= 1 ? "1月" : `1-${month}月`;
}
