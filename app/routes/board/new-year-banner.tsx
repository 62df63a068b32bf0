// Shown to leaders and admins on the board when today's year has no plan yet: the two ways to
// make one, each one click away.
import { Link } from "@remix-run/react";

export interface NewYearBannerData {
  /** Today's year (Shanghai), which has no plan. */
  year: number;
  /** True when last year's plan exists, so 开启下一年度 can start from its summary. */
  canStartFromPrevious: boolean;
}

export function NewYearBanner({ banner, shownYear }: { banner: NewYearBannerData; shownYear: number | null }) {
  const { year } = banner;
  return (
    <section className="new-year-banner" aria-labelledby="new-year-title">
      <h2 id="new-year-title">{year}年度还没有计划</h2>
      <p>
        {shownYear ? `看板现在显示的是${shownYear}年度。` : ""}
        用下面任一种方式建立{year}年度计划，各单位即可开始填报：
      </p>
      <ul className="new-year-options">
        <li>
          <Link to="/import" className="button primary">
            导入上年总结
          </Link>
          <span className="muted small">
            上传{year - 1}年度工作总结（.docx 或 .txt），预览后生成{year}年的任务和指标。
          </span>
        </li>
        <li>
          {banner.canStartFromPrevious ? (
            <Link to={`/summary/next-year?year=${year - 1}`} className="button secondary">
              从上年总结开启
            </Link>
          ) : (
            <span className="button secondary is-disabled" aria-disabled="true">
              从上年总结开启
            </span>
          )}
          <span className="muted small">
            {banner.canStartFromPrevious
              ? `用本系统里${year - 1}年度的工作总结一次建立${year}年度计划，未完成的任务可以结转。`
              : `需要本系统里有${year - 1}年度计划；没有时请用“导入上年总结”。`}
          </span>
        </li>
      </ul>
    </section>
  );
}
