import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ComingSoon } from "../components/coming-soon";
import { requireUser } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "填报情况 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "urge");
  return null;
}

export default function Page() {
  return <ComingSoon title="填报情况" description="各单位每周进展填报情况一览与催办，正在建设中。" />;
}
