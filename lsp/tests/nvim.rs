//! End to end in a real editor: headless Neovim (Debian's 0.7) starts `warrant-lsp`,
//! opens a file with a failing proof, and writes what it saw (the diagnostics, a hover,
//! a definition) as JSON, which this test checks. Skipped, with a message, when `nvim`
//! is not installed; CI installs it (`apt-get install -y neovim`).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const FILE: &str = r#"module demo

/// Fraction of tasks on which `x` misbehaves.
fn rate(x: Rat): Rat

axiom rate_bounded: forall x: Rat. rate(x) <= 1

lemma bad: forall x: Rat. rate(x) <= 0 := by {
  intro x
  linarith [rate_bounded(x)]
}
"#;

const LUA: &str = r#"
local out = vim.env.WARRANT_OUT
local result = {}
local function finish(code)
  local f = io.open(out, 'w')
  f:write(vim.json.encode(result))
  f:close()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit ' .. code) end
end
local function code_of(d)
  if d.code then return d.code end
  if d.user_data and d.user_data.lsp then return d.user_data.lsp.code end
  return nil
end
local function main()
  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':p:h')
  local client = vim.lsp.start_client({
    name = 'warrant',
    cmd = { vim.env.WARRANT_LSP },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'ws' } },
  })
  result.client = client
  vim.lsp.buf_attach_client(buf, client)
  result.waited = vim.wait(60000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == 'warrant::proof' then return true end
    end
    return false
  end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { code = code_of(d), lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
  end
  local function at(line, character)
    return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
  end
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', at(HOVER_LINE, HOVER_COL), 10000) or {}) do
    result.hover = r.result
  end
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/definition', at(DEF_LINE, DEF_COL), 10000) or {}) do
    result.definition = r.result
    result.definition_error = r.err
  end
  finish(0)
end
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, err = pcall(main)
  if not ok then
    result.error = tostring(err)
    finish(3)
  end
end })
"#;

fn find(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle");
    let line = text[..at].matches('\n').count();
    (line, at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0))
}

#[test]
fn neovim_shows_the_proof_failure_hover_and_definition() {
    if Command::new("nvim").arg("--version").output().is_err() {
        println!("SKIPPED: nvim is not installed (apt-get install -y neovim)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("warrant-lsp-nvim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("demo.wr");
    std::fs::write(&file, FILE).expect("write");
    let (hl, hc) = find(FILE, "rate(x) <= 0");
    let (dl, dc) = find(FILE, "rate_bounded(x)]");
    let lua = LUA
        .replace("HOVER_LINE", &hl.to_string())
        .replace("HOVER_COL", &(hc + 1).to_string())
        .replace("DEF_LINE", &dl.to_string())
        .replace("DEF_COL", &(dc + 2).to_string());
    let script = dir.join("test.lua");
    std::fs::write(&script, lua).expect("write");
    let out = dir.join("out.json");
    let status = Command::new("timeout")
        .args(["120", "nvim", "--headless", "--clean", "-u"])
        .arg(&script)
        .arg(&file)
        .current_dir(&dir)
        .env("WARRANT_LSP", env!("CARGO_BIN_EXE_warrant-lsp"))
        .env("WARRANT_OUT", &out)
        .status()
        .expect("run nvim");
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(status.success(), "nvim exited with {status}; wrote: {text}");
    let v: Value = serde_json::from_str(&text).expect("json from nvim");
    check(&v, &file);
}

fn check(v: &Value, file: &Path) {
    assert_eq!(v["waited"], Value::Bool(true), "no proof diagnostic arrived: {v:#}");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let proof: Vec<&Value> = diags.iter().filter(|d| d["code"] == "warrant::proof").collect();
    assert_eq!(proof.len(), 1, "{v:#}");
    let (l, c) = find(FILE, "linarith [rate_bounded(x)]");
    assert_eq!((proof[0]["lnum"].as_u64(), proof[0]["col"].as_u64()), (Some(l as u64), Some(c as u64)));
    assert!(proof[0]["message"].as_str().unwrap_or("").contains("⊢ rate(x) <= 0"), "{v:#}");
    let hover = v["hover"]["contents"]["value"].as_str().unwrap_or("");
    assert!(hover.contains("fn rate(Rat): Rat") && hover.contains("Fraction of tasks"), "{v:#}");
    let def = &v["definition"];
    let def = if def.is_array() { &def[0] } else { def };
    let uri = def["uri"].as_str().or(def["targetUri"].as_str()).unwrap_or("");
    assert!(uri.ends_with("/demo.wr") && uri.starts_with("file://"), "{v:#}");
    let (dl, dc) = find(FILE, "rate_bounded:");
    assert_eq!(def["range"]["start"]["line"].as_u64(), Some(dl as u64), "{v:#}");
    assert_eq!(def["range"]["start"]["character"].as_u64(), Some(dc as u64), "{v:#}");
    let _ = file;
}
