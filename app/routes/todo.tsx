import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "我的待办 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  return null;
}

export default function Page() {
  return <ComingSoon title="我的待办" description="本周需要填报的进展、收到的催办与需要处理的驳回将在这里汇总。" />;
}
