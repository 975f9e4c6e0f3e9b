/** Where inlay hints go: after the whole `.await?` in Rust, right after the keyword elsewhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSources } from '../src/workspace/analyze';
import { inlayHintsFor } from '../src/lsp/inlay-hints';

const lib = `use ic_cdk::call::Call;

#[ic_cdk::update]
async fn pay(amount: u64) -> Result<(), String> {
    Call::bounded_wait(candid::Principal::anonymous(), "a").with_arg(amount).await?;
    let _ = Call::bounded_wait(candid::Principal::anonymous(), "b").await ? ;
    Call::bounded_wait(candid::Principal::anonymous(), "c").await.map_err(|e| e.to_string())?;
    Ok(())
}
`;

async function hintColumns(path: string, text: string) {
  const result = await analyzeSources([{ path, text }]);
  const file = result.files.find((f) => f.file === path);
  assert.ok(file);
  return inlayHintsFor(result.analysis, file, text)
    .map((h) => [h.position.line, h.position.character])
    .sort((a, b) => a[0] - b[0]);
}

test('a Rust hint sits after the `?` that follows `.await`, and after `.await` when none follows', async () => {
  const lines = lib.split('\n');
  const col = (line: number, after: string) => lines[line].indexOf(after) + after.length;
  assert.deepEqual(await hintColumns('/crate/src/lib.rs', lib), [
    [4, col(4, '.await?')],
    [5, col(5, '.await ?')],
    [6, col(6, '.await')],
  ]);
});

test('without the text, and in Motoko, the hint sits right after the keyword', async () => {
  const result = await analyzeSources([{ path: '/crate/src/lib.rs', text: lib }]);
  const file = result.files[0];
  const ends = file.awaits.map((a) => [a.range.end.line, a.range.end.character]).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    inlayHintsFor(result.analysis, file)
      .map((h) => [h.position.line, h.position.character])
      .sort((a, b) => a[0] - b[0]),
    ends,
  );
  const mo = `actor {\n  public func f() : async ?Nat {\n    let x = await? g();\n    x\n  };\n  func g() : async ?Nat { ?1 };\n};\n`;
  const line = mo.split('\n')[2];
  assert.deepEqual(await hintColumns('/m/main.mo', mo), [[2, line.indexOf('await?') + 'await?'.length]]);
});

test('a Motoko await of another file run inline through await* is hinted in its own file, once', async () => {
  const libText = `module {
  public func pay(l : actor { pay : () -> async () }) : async* () {
    await l.pay();
  };
};
`;
  const mainText = `import L "Lib";
actor {
  var n = 0;
  public func go(l : actor { pay : () -> async () }) : async () {
    n += 1;
    await* L.pay(l);
    n += 1;
  };
  public func again(l : actor { pay : () -> async () }) : async () {
    await* L.pay(l);
  };
};
`;
  const result = await analyzeSources([
    { path: '/m/main.mo', text: mainText },
    { path: '/m/Lib.mo', text: libText },
  ]);
  const hints = (path: string) => {
    const file = result.files.find((f) => f.file === path);
    assert.ok(file);
    return inlayHintsFor(result.analysis, file).map((h) => [h.position.line, h.position.character]);
  };
  // main.mo: only its own `await*` keywords; Lib.mo: its `await`, once for both entry points that reach it.
  assert.deepEqual(hints('/m/main.mo').sort(), [
    [5, 10],
    [9, 10],
  ]);
  assert.deepEqual(hints('/m/Lib.mo'), [[2, 9]]);
});
