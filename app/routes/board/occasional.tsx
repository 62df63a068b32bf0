// The board's parts that few people open, in one chunk of their own (see occasional-parts.tsx).
export { BoardLimitNote, CarriedList, EmptyBoard, NoBoardPlan } from "~/routes/board/board-notes";
export { LightLegend } from "~/routes/board/light-legend";
export { MoveToForm } from "~/routes/board/move-to-form";
export { NewYearBanner } from "~/routes/board/new-year-banner";
export { ReasonDialog } from "~/routes/board/reason-dialog";
export { ThresholdsForm } from "~/routes/board/thresholds-form";
