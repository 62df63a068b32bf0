import type { FormEvent } from "react";

/** A form's onSubmit that asks `message` first and cancels the submit unless confirmed; none without a message. */
export function confirmSubmit(message: string | undefined): ((event: FormEvent<HTMLFormElement>) => void) | undefined {
  if (!message) return undefined;
  return (event) => {
    if (!window.confirm(message)) event.preventDefault();
  };
}
