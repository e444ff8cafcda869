/** Entry point of the `ai-margin` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`ai-margin: unknown command ${argv[0] ?? ''}\n`);
  return 2;
}
