/**
 * Units a figure may carry. A number is a metric only when one of these follows it, which is
 * what keeps years (2024年), dates (10月11日), ages (80周岁), times and ordinals out.
 */

/** Units whose 万/亿 stays part of the unit as offices write it: 2151万元, 3万亩, 1亿千瓦. */
export const MAGNITUDE_KEPT_UNITS = new Set([
  "元",
  "美元",
  "亩",
  "吨",
  "千瓦",
  "千瓦时",
  "平方米",
  "平方公里",
  "立方米",
  "公顷",
  "公里",
  "千米",
  "米",
  "斤",
  "公斤",
  "千克",
]);

/** Units that count things: 四万份 → 40000 份, 100万次 → 1000000 次. */
const COUNT_UNITS = [
  "个百分点",
  "百分点",
  "人次",
  "场次",
  "批次",
  "户次",
  "件次",
  "车次",
  "架次",
  "班次",
  "课时",
  "学时",
  "小时",
  "人",
  "名",
  "位",
  "户",
  "件",
  "次",
  "场",
  "个",
  "家",
  "栋",
  "幢",
  "座",
  "所",
  "份",
  "批",
  "期",
  "轮",
  "项",
  "条",
  "处",
  "间",
  "套",
  "台",
  "辆",
  "艘",
  "架",
  "袋",
  "桶",
  "箱",
  "瓶",
  "盒",
  "对",
  "本",
  "册",
  "张",
  "篇",
  "支",
  "起",
  "宗",
  "株",
  "棵",
  "头",
  "只",
  "匹",
  "块",
  "盏",
  "根",
  "%",
  "‰",
  "倍",
];

export const RATE_UNITS = new Set(["%", "‰", "个百分点", "百分点", "倍"]);

/** Counters usually followed by the thing counted: "7个服务项目", "3名优秀青年", "90家企业". */
export const CLASSIFIER_UNITS = new Set([
  "个",
  "名",
  "位",
  "家",
  "户",
  "项",
  "所",
  "条",
  "批",
  "支",
  "座",
  "台",
  "辆",
  "套",
  "栋",
  "幢",
  "间",
  "处",
  "场",
  "只",
  "头",
  "株",
  "棵",
  "艘",
  "架",
  "块",
  "起",
  "宗",
]);

/** A unit followed by one of these characters is the start of another word: 个月, 名单, 户外, 家庭 … */
const NOT_A_UNIT_BEFORE: Record<string, string> = {
  个: "月工",
  名: "单额义",
  位: "于置列数",
  户: "外籍口型",
  件: "事",
  次: "日年月要序",
  场: "所景地馆",
  家: "庭属长乡园",
  座: "谈",
  所: "属在有以谓得",
  份: "额",
  批: "准复示",
  期: "间限末初满",
  项: "目",
  条: "例件款目",
  处: "理置罚长室级分",
  间: "隔断",
  套: "餐",
  台: "账阶风湾",
  对: "象于接照比",
  本: "地科级届市区部",
  张: "贴",
  支: "持付出撑部",
  起: "草步来点",
  只: "要有是能",
  头: "等",
  架: "构",
  人: "民员大",
  元: "旦素宵",
  块: "钱",
  根: "据本",
  米: "粮",
};

const ALL_UNITS = [...MAGNITUDE_KEPT_UNITS, ...COUNT_UNITS].sort((a, b) => b.length - a.length);
const UNITS_BY_FIRST_CHAR = new Map<string, string[]>();
for (const unit of ALL_UNITS) {
  const list = UNITS_BY_FIRST_CHAR.get(unit[0]) ?? [];
  list.push(unit);
  UNITS_BY_FIRST_CHAR.set(unit[0], list);
}

/** The longest unit starting at `pos`, or null. */
export function matchUnit(text: string, pos: number): string | null {
  const candidates = UNITS_BY_FIRST_CHAR.get(text[pos]);
  if (!candidates) return null;
  for (const unit of candidates) {
    if (!text.startsWith(unit, pos)) continue;
    const next = text[pos + unit.length];
    const blocked = NOT_A_UNIT_BEFORE[unit];
    if (next !== undefined && blocked !== undefined && blocked.includes(next)) continue;
    return unit;
  }
  return null;
}
