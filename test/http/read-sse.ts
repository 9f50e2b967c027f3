/** One server-sent event frame as received. */
export interface SseFrame {
  event?: string;
  data: string;
}

/** Reads an SSE body frame by frame, as a client would; stopping early cancels the body like a disconnect. */
export async function* readSseFrames(response: Response): AsyncGenerator<SseFrame> {
  if (!response.body) throw new Error('response has no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) !== -1) {
        const raw = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const frame: SseFrame = { data: '' };
        const data: string[] = [];
        for (const line of raw.split('\n')) {
          if (line.startsWith('event: ')) frame.event = line.slice('event: '.length);
          else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
        }
        frame.data = data.join('\n');
        yield frame;
      }
    }
    if (buffer.trim().length > 0) throw new Error(`stream ended inside a frame: ${JSON.stringify(buffer)}`);
  } finally {
    if (!finished) await reader.cancel();
    reader.releaseLock();
  }
}

export async function allSseFrames(response: Response): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const frame of readSseFrames(response)) frames.push(frame);
  return frames;
}
