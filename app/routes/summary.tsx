import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "总结 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  return null;
}

export default function Page() {
  return <ComingSoon title="总结" description="根据全年数据生成年度工作总结草稿，正在建设中。" />;
}
