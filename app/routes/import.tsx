import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "导入 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "summary.manage");
  return null;
}

export default function Page() {
  return <ComingSoon title="导入" description="上传工作总结，预览并生成年度重点工作，正在建设中。" />;
}
