import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "看板 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  return null;
}

export default function Page() {
  return <ComingSoon title="看板" description="重点工作看板：任务卡片、拖拽调度、督办灯与验收销号，正在建设中。" />;
}
