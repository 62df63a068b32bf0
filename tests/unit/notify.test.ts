// Reminders, the pure part: job times and their slots, messages, webhook rules, backoff;
// and the two crypto pieces: 钉钉's signature and secrets sealed at rest.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cronPatternOf,
  escapeMarkdown,
  fridayReminderMessage,
  markdownToText,
  maskWebhook,
  MESSAGE_MAX_ITEMS,
  mondayDigestMessage,
  parseJobTime,
  retryDelayMs,
  urgeMessage,
  webhookProblem,
} from "../../app/lib/notify";
import { latestSlot } from "../../app/models/reminders.server";
import { dingtalkSignedUrl, robotPayload } from "../../app/utils/channel-senders.server";
import { openSecret, sealSecret } from "../../app/utils/secret-box.server";

const KEY_ENV = { SECRET_KEY: "x".repeat(40) };

describe("job times", () => {
  it("reads stored times, falling back on anything malformed", () => {
    const fallback = { weekday: 5, time: "15:00", enabled: true };
    expect(parseJobTime("1 09:30", fallback)).toEqual({ weekday: 1, time: "09:30", enabled: true });
    expect(parseJobTime("1 09:30 off", fallback)).toEqual({ weekday: 1, time: "09:30", enabled: false });
    for (const bad of [null, "", "7 09:00", "1 24:00", "1 9:00", "1 09:00 on"]) expect(parseJobTime(bad, fallback)).toBe(fallback);
    expect(cronPatternOf({ weekday: 5, time: "15:00", enabled: true })).toBe("0 0 15 * * 5");
  });

  it("finds the latest slot in Shanghai time, the slot itself included", () => {
    const friday = { weekday: 5, time: "15:00", enabled: true };
    // 2025-06-13 is a Friday; 15:00 in Shanghai is 07:00 UTC.
    expect(latestSlot(friday, new Date("2025-06-13T07:00:00Z"))?.toISOString()).toBe("2025-06-13T07:00:00.000Z");
    expect(latestSlot(friday, new Date("2025-06-13T06:59:59Z"))?.toISOString()).toBe("2025-06-06T07:00:00.000Z");
    expect(latestSlot(friday, new Date("2025-06-16T01:00:00Z"))?.toISOString()).toBe("2025-06-13T07:00:00.000Z");
  });
});

describe("messages", () => {
  const base = "https://kanban.example.gov.cn";
  it("lists the unit's tasks with links, and cuts a long list", () => {
    const tasks = Array.from({ length: 20 }, (_, i) => ({ taskId: i + 1, code: `A${i + 1}`, title: `任务*${i + 1}*` }));
    const message = fridayReminderMessage({ baseUrl: base, unitName: "东晟社区", weekLabel: "本周", tasks });
    expect(message.title).toBe("【填报提醒】东晟社区本周有20项未填报");
    expect(message.body).toContain(`[A1 任务\\*1\\*](${base}/board/1)`);
    expect(message.body.match(/\/board\//g)).toHaveLength(MESSAGE_MAX_ITEMS);
    expect(message.body).toContain("……等20项");
  });

  it("puts 红灯 before 黄灯 with their word and shape, and names last week's missing units", () => {
    const message = mondayDigestMessage({
      baseUrl: base,
      weekLabel: "第25周",
      lastWeekLabel: "上周",
      flagged: [
        { taskId: 2, code: "B", title: "乙", light: "yellow", reason: "落后序时进度12个百分点", leadUnit: "龙腾社区" },
        { taskId: 1, code: "A", title: "甲", light: "red", reason: "已超期", leadUnit: null },
      ],
      missing: [{ unitName: "东晟社区", count: 2 }],
    });
    expect(message.title).toBe("【督办提醒】第25周：红灯1项、黄灯1项");
    expect(message.body.indexOf("■ 红灯")).toBeLessThan(message.body.indexOf("▲ 黄灯"));
    expect(message.body).toContain("上周未填报：东晟社区2项");
  });

  it("escapes user text so it cannot break the Markdown or its links", () => {
    const message = urgeMessage({
      baseUrl: base,
      unitName: "东晟社区",
      leaderName: "王书记",
      note: "见 [此处](http://evil) **急**",
      tasks: [],
    });
    expect(message.body).toContain("见 \\[此处\\](http://evil) \\*\\*急\\*\\*");
    expect(message.body).not.toMatch(/[^\\]\]\(http:\/\/evil\)/);
    expect(markdownToText(message.body)).toContain("见 [此处](http://evil) **急**");
    expect(escapeMarkdown("a\nb")).toBe("a b");
  });
});

describe("webhook addresses", () => {
  it("accepts only https on the vendor's host and path, with the key", () => {
    expect(webhookProblem("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")).toBeNull();
    expect(webhookProblem("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc")).toBeNull();
    expect(webhookProblem("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")).toContain("https://");
    expect(webhookProblem("wecom", "https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key=abc")).toContain("不是");
    expect(webhookProblem("dingtalk", "https://oapi.dingtalk.com/robot/send")).toContain("access_token");
    expect(webhookProblem("dingtalk", "https://u:p@oapi.dingtalk.com/robot/send?access_token=1")).toContain("用户名");
    expect(webhookProblem("wecom", "不是地址")).toContain("完整");
    expect(webhookProblem("wecom", `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${"a".repeat(600)}`)).toContain("500");
    // A test receiver is allowed only when named.
    expect(webhookProblem("wecom", "http://127.0.0.1:9/x")).not.toBeNull();
    expect(webhookProblem("wecom", "http://127.0.0.1:9/x", ["http://127.0.0.1:9"])).toBeNull();
  });

  it("masks the key when showing an address", () => {
    expect(maskWebhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123456")).toBe(
      "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****3456",
    );
  });
});

describe("sending", () => {
  it("retries after 30 s, 1, 2, 4 … minutes, at most an hour", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
  });

  it("signs 钉钉 requests as its documentation says", () => {
    const url = new URL(dingtalkSignedUrl("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000));
    const expected = createHmac("sha256", "SECabc").update("1700000000000\nSECabc").digest("base64");
    expect(url.searchParams.get("access_token")).toBe("t");
    expect(url.searchParams.get("timestamp")).toBe("1700000000000");
    expect(url.searchParams.get("sign")).toBe(expected);
    // URL-encoded in the query string (base64 has + / =).
    expect(url.search).toContain(`sign=${encodeURIComponent(expected)}`);
  });

  it("builds each robot's markdown payload", () => {
    const message = { title: "T", body: "**T**\n正文" };
    expect(robotPayload("wecom", message)).toEqual({ msgtype: "markdown", markdown: { content: "**T**\n正文" } });
    expect(robotPayload("dingtalk", message)).toEqual({ msgtype: "markdown", markdown: { title: "T", text: "**T**\n正文" } });
  });
});

describe("secrets at rest", () => {
  it("seals and opens with the key, differently each time; refuses without a key or with another", () => {
    const a = sealSecret("smtp-pass", KEY_ENV);
    const b = sealSecret("smtp-pass", KEY_ENV);
    expect(a).not.toBe(b);
    expect(a).not.toContain("smtp-pass");
    expect(openSecret(a, KEY_ENV)).toBe("smtp-pass");
    expect(() => sealSecret("x", {})).toThrow(/SECRET_KEY/);
    expect(() => sealSecret("x", { SECRET_KEY: "short" })).toThrow(/SECRET_KEY/);
    expect(() => openSecret(a, { SECRET_KEY: "y".repeat(40) })).toThrow(/无法解密/);
    const tampered = a.slice(0, -4) + (a.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => openSecret(tampered, KEY_ENV)).toThrow();
  });
});
