// The app's ordinary data table: scrolls sideways on narrow screens, one header row of column
// headings, and the caller's rows as its body.
import type { ReactNode } from "react";
import { TableScroll } from "~/components/table-scroll";

export interface TableColumn {
  label: ReactNode;
  /** A right-aligned number column. */
  numeric?: boolean;
  /** Named for screen readers only (e.g. the column of row buttons). */
  hidden?: boolean;
}

/** A column is a heading, a full TableColumn, or null/false to leave it out. */
export type TableColumnSpec = string | TableColumn | null | false;

export function DataTable({
  label,
  columns,
  className,
  children,
}: {
  /** What the table holds, for its scroll area's accessible name. */
  label: string;
  columns: readonly TableColumnSpec[];
  /** Extra classes for the <table>, after "table". */
  className?: string;
  children: ReactNode;
}) {
  return (
    <TableScroll label={label}>
      <table className={className ? `table ${className}` : "table"}>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}

/** A table's one header row of column headings (for a table laid out by hand). */
export function TableHead({ columns }: { columns: readonly TableColumnSpec[] }) {
  const shown = columns.filter((column): column is string | TableColumn => Boolean(column));
  return (
    <thead>
      <tr>
        {shown.map((column, index) => {
          const { label, numeric, hidden } = typeof column === "string" ? { label: column } : column;
          return (
            <th key={index} scope="col" className={numeric ? "num" : undefined}>
              {hidden ? <span className="visually-hidden">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
