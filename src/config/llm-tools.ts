/**
 * Every default of the QA agent's tool-calling loop, declared once (the environment overrides the
 * switch and the budgets: src/config).
 */
export const llmToolDefaults = {
  /**
   * Off by default: many OpenAI-compatible servers refuse `tools` unless started for it (vLLM
   * without `--enable-auto-tool-choice`, llama.cpp without `--jinja`), and each step is one more
   * LLM round trip inside the per-answer deadline.
   */
  enabled: false,
  /** LLM calls per answer, the final answer included; the last step offers no tools. */
  maxSteps: 4,
  /** Prompt and completion tokens summed over every step of one answer. */
  maxTotalTokens: 16_000,
  /** Items (neighbours, paths, retrieval hits) one tool result returns at most. */
  maxResultItems: 10,
  /** The `path` tool searches at most this many hops (2 or 3). */
  maxPathHops: 3,
  /** Neighbour lists the `path` tool may expand for one call, so hubs cannot stall an answer. */
  maxPathExpansions: 2_000,
} as const;
