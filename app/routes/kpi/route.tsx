import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "指标 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  return null;
}

export default function Page() {
  return <ComingSoon title="指标" description="目标值与完成值对比、各单位贡献与趋势，正在建设中。" />;
}
