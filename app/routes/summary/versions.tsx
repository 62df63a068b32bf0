// The summary's versions: the list with restore and compare, and the comparison of two versions.
import { Form, Link } from "@remix-run/react";
import type { LineChange, Piece, SectionDiff } from "~/lib/summary/diff";
import { formatDateTime } from "~/lib/weeks";
import { SelectField } from "~/components/select-field";

interface VersionRow {
  version: number;
  status: "draft" | "final";
  authorName: string | null;
  createdAt: string;
  savedAt: string;
  note: string;
}

export function VersionsPanel({
  versions,
  latestVersion,
  year,
  canEdit,
  compare,
}: {
  versions: VersionRow[];
  latestVersion: number;
  year: number;
  canEdit: boolean;
  compare: { from: number; to: number } | null;
}) {
  const defaultFrom = compare?.from ?? versions[1]?.version ?? latestVersion;
  const defaultTo = compare?.to ?? latestVersion;
  const versionOptions = versions.map((v) => ({ value: v.version, label: `版本${v.version}` }));
  return (
    <section className="card versions no-print" aria-labelledby="versions-title">
      <h2 id="versions-title">历史版本（{versions.length}个）</h2>
      {versions.length > 1 ? (
        <Form method="get" className="compare-form">
          <input type="hidden" name="year" value={year} />
          <SelectField name="from" label="比较版本" defaultValue={defaultFrom} options={versionOptions} />
          <SelectField name="to" label="与版本" defaultValue={defaultTo} options={versionOptions} />
          <button type="submit" className="button secondary">
            比较
          </button>
        </Form>
      ) : null}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">版本</th>
              <th scope="col">状态</th>
              <th scope="col">修改人</th>
              <th scope="col">保存时间</th>
              <th scope="col">说明</th>
              {canEdit ? <th scope="col">操作</th> : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>版本{v.version}</td>
                <td>{v.status === "final" ? "已定稿" : "草稿"}</td>
                <td>{v.authorName ?? "系统"}</td>
                <td>{formatDateTime(v.savedAt)}</td>
                <td className="wrap">{v.note}</td>
                {canEdit ? (
                  <td>
                    {v.version === latestVersion ? (
                      <span className="muted small">当前版本</span>
                    ) : (
                      <Form
                        method="post"
                        onSubmit={(event) => {
                          if (!window.confirm(`用版本${v.version}的内容生成一个新版本？当前内容仍保留在历史版本中。`))
                            event.preventDefault();
                        }}
                      >
                        <input type="hidden" name="intent" value="restore" />
                        <input type="hidden" name="year" value={year} />
                        <input type="hidden" name="version" value={v.version} />
                        <input type="hidden" name="expectedLatest" value={latestVersion} />
                        <button type="submit" className="button secondary small" aria-label={`恢复版本${v.version}`}>
                          恢复此版本
                        </button>
                      </Form>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A run of text as the diff marks it: kept, inserted (<ins>) or deleted (<del>). */
function Marked({ kind, text }: Piece) {
  return kind === "added" ? <ins>{text}</ins> : kind === "removed" ? <del>{text}</del> : <span>{text}</span>;
}

const CHANGE_TAGS = { added: "新增", removed: "删除", changed: "修改" } as const;

function ChangeLine({ change }: { change: LineChange }) {
  if (change.kind === "same") return <p className="diff-line diff-same">{change.text}</p>;
  return (
    <p className={`diff-line diff-${change.kind}`}>
      <span className="diff-tag">{CHANGE_TAGS[change.kind]}</span>
      {change.kind === "changed" ? (
        change.pieces.map((piece, index) => <Marked key={index} {...piece} />)
      ) : (
        <Marked kind={change.kind} text={change.text} />
      )}
    </p>
  );
}

export function DiffView({ compare, year }: { compare: { from: number; to: number; sections: SectionDiff[] | null }; year: number }) {
  return (
    <section className="card diff no-print" aria-labelledby="diff-title">
      <h2 id="diff-title">
        版本{compare.from} → 版本{compare.to} 的改动
      </h2>
      {compare.sections === null ? (
        <p className="form-error">没有找到所选的版本，请重新选择。</p>
      ) : compare.sections.every((s) => !s.changed) ? (
        <p className="muted">两个版本内容相同。</p>
      ) : (
        <>
          <p className="muted small">
            <ins>下划线绿色</ins>为新增文字，<del>删除线红色</del>为删去的文字。
          </p>
          {compare.sections.map((section) =>
            section.changed ? (
              <div key={section.key} className="diff-section">
                <h3>{section.label}</h3>
                {section.lines.map((change, index) => (change.kind === "same" ? null : <ChangeLine key={index} change={change} />))}
              </div>
            ) : null,
          )}
          <p className="muted small">未列出的部分没有改动。</p>
        </>
      )}
      <Link to={`?year=${year}`} className="button secondary small">
        关闭比较
      </Link>
    </section>
  );
}
