// The playground page: draws what the bot did in the local Slack (read from /api/state) and
// sends what the person does to /api/… , where it goes to the bot as a signed Slack request.
//
// Every piece of text reaches the page as a text node (textContent, createTextNode, append of
// a string), never parsed as HTML. mrkdwn is parsed into elements, so a comment such as
// "<img src=x onerror=alert(1)>" shows as those characters.
"use strict";

const POLL_MS = 1000;
const EMOJI = {
  rotating_light: "🚨", warning: "⚠️", tada: "🎉", white_check_mark: "✅", x: "❌",
  chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉", bar_chart: "📊",
  star: "⭐", bulb: "💡", speech_balloon: "💬", bell: "🔔", wave: "👋", thumbsup: "👍",
  "+1": "👍", "-1": "👎", heart: "❤️", fire: "🔥", eyes: "👀", mag: "🔍", memo: "📝",
  calendar: "📅", arrow_up: "⬆️", arrow_down: "⬇️", arrow_right: "➡️", small_red_triangle: "🔺",
  small_red_triangle_down: "🔻", large_green_circle: "🟢", large_yellow_circle: "🟡",
  red_circle: "🔴", information_source: "ℹ️", lock: "🔒", trophy: "🏆", dart: "🎯",
};
const SAFE_LINK = /^(https?:|mailto:)/i;
const COLORS = ["#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#4a154b", "#36c5f0", "#9a5b00"];

const page = {
  user: null,          // the person the page acts as
  conversation: null,  // the open channel or the app
  tab: "messages",     // the app's tab: "home" or "messages"
  data: null,          // the last /api/state
  shown: "",           // what is drawn, to redraw only on change
  modalShown: "",
  busy: false,
};

// -- DOM -------------------------------------------------------------------------------------

function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);  // a string becomes a text node
  }
  return node;
}

const $ = (id) => document.getElementById(id);

// -- mrkdwn ----------------------------------------------------------------------------------

function decode(text) {
  // Slack's three entities; &amp; last so "&amp;lt;" stays "&lt;".
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function mrkdwn(text) {
  const root = h("div", { class: "mrkdwn" });
  const parts = String(text || "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1 && index < parts.length - 1) {
      root.append(h("pre", {}, decode(part.replace(/^\n/, ""))));
      return;
    }
    const chunk = index % 2 === 1 ? "```" + part : part;
    let quote = null;
    chunk.split("\n").forEach((line, lineIndex, lines) => {
      // Only a raw ">" starts a quote: a customer's own ">" arrives escaped as "&gt;".
      const quoted = /^> ?/.exec(line);
      if (quoted) {
        if (!quote) { quote = h("blockquote"); root.append(quote); }
        else quote.append(h("br"));
        quote.append(...inline(line.slice(quoted[0].length)));
        return;
      }
      quote = null;
      root.append(...inline(line));
      if (lineIndex < lines.length - 1) root.append(h("br"));
    });
  });
  return root;
}

// `<…>` specials, `code`, *bold*, _italic_, ~strike~ and :emoji:, left to right.
const INLINE = new RegExp([
  "<([^<>\\n]+)>",
  "`([^`\\n]+)`",
  "(^|[^\\w*])\\*(?=\\S)([^*\\n]*?\\S)\\*(?!\\w)",
  "(^|[^\\w_])_(?=\\S)([^_\\n]*?\\S)_(?!\\w)",
  "(^|[^\\w~])~(?=\\S)([^~\\n]*?\\S)~(?!\\w)",
  ":([a-z0-9_+-]+):",
].join("|"), "g");

function inline(text) {
  const nodes = [];
  let last = 0;
  // matchAll works on its own copy of the pattern: the recursion below cannot reset it.
  for (const match of text.matchAll(INLINE)) {
    const [whole, special, code, bPre, bold, iPre, italic, sPre, strike, emoji] = match;
    if (emoji !== undefined && !(emoji in EMOJI)) continue;  // left as typed
    nodes.push(decode(text.slice(last, match.index)));
    if (special !== undefined) nodes.push(specialNode(special));
    else if (code !== undefined) nodes.push(h("code", {}, decode(code)));
    else if (bold !== undefined) nodes.push(decode(bPre), h("b", {}, ...inline(bold)));
    else if (italic !== undefined) nodes.push(decode(iPre), h("i", {}, ...inline(italic)));
    else if (strike !== undefined) nodes.push(decode(sPre), h("s", {}, ...inline(strike)));
    else nodes.push(EMOJI[emoji]);
    last = match.index + whole.length;
  }
  nodes.push(decode(text.slice(last)));
  return nodes.filter((node) => node !== "");
}

function specialNode(inner) {
  const [target, label] = splitOnce(inner, "|");
  const data = page.data || { names: {}, channel_names: {} };
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return h("span", { class: "mention" }, "@" + (data.names[id] || (label ? decode(label) : id)));
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return h("span", { class: "mention" },
      "#" + (data.channel_names[id] || (label ? decode(label) : id)));
  }
  if (target.startsWith("!")) {
    const word = target.slice(1);
    if (["channel", "here", "everyone"].includes(word)) {
      return h("span", { class: "mention broadcast" }, "@" + word);
    }
    if (word.startsWith("subteam^")) {
      return h("span", { class: "mention" }, label ? decode(label) : "@group");
    }
    return decode(label || word);  // <!date^…|fallback> and the like: their fallback text
  }
  const url = decode(target);
  if (!SAFE_LINK.test(url)) return decode(label || target);
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" },
    decode(label || target));
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
}

function textObject(object) {
  if (!object) return null;
  if (object.type === "mrkdwn") return mrkdwn(object.text);
  return h("span", { class: "plain" }, String(object.text || ""));
}

function plain(object) {
  return object ? String(object.text || "") : "";
}

// -- Block Kit -------------------------------------------------------------------------------

// `where` says what a click acts on: {channel, ts} of a message, or {view_id} of a view.
function blocks(list, where) {
  return h("div", { class: "blocks" }, (list || []).map((block) => renderBlock(block, where)));
}

function renderBlock(block, where) {
  switch (block.type) {
    case "section":
      return h("div", { class: "block-section", "data-block-id": block.block_id },
        h("div", { class: "section-main" },
          textObject(block.text),
          block.fields ? h("div", { class: "fields" }, block.fields.map(textObject)) : null),
        block.accessory ? element(block.accessory, block, where) : null);
    case "header":
      return h("div", { class: "block-header" }, plain(block.text));
    case "context":
      return h("div", { class: "block-context" }, (block.elements || []).map((item) =>
        item.type === "image" ? imageElement(item) : textObject(item)));
    case "divider":
      return h("hr", { class: "block-divider" });
    case "actions":
      return h("div", { class: "block-actions", "data-block-id": block.block_id },
        (block.elements || []).map((item) => element(item, block, where)));
    case "image":
      return h("div", { class: "block-image" },
        block.title ? h("div", { class: "image-title" }, plain(block.title)) : null,
        imageElement(block));
    case "input":
      return inputBlock(block, where);
    case "rich_text":
      return h("div", { class: "mrkdwn" }, richText(block.elements || []));
    default:
      return h("div", { class: "block-unknown" }, `[a ${block.type} block]`);
  }
}

function richText(elements) {
  return elements.map((item) => {
    if (Array.isArray(item.elements)) return h("div", {}, richText(item.elements));
    if (item.type === "user") return h("span", { class: "mention" }, "@" + item.user_id);
    if (item.type === "link") return h("span", {}, item.text || item.url || "");
    return String(item.text || "");
  });
}

function imageElement(item) {
  const fileId = item.slack_file && item.slack_file.id;
  const source = fileId ? `/files/${encodeURIComponent(fileId)}` : item.image_url;
  if (!source || !(fileId || /^https?:/i.test(source))) return h("span", {}, item.alt_text || "");
  return h("img", { src: source, alt: item.alt_text || "" });
}

function element(item, block, where) {
  if (item.type === "button") {
    return h("button", {
      type: "button",
      class: "bk-button" + (item.style ? " " + item.style : ""),
      "data-action-id": item.action_id,
      onclick: () => confirmThen(item.confirm, () => act("click", {
        ...where, action_id: item.action_id,
      })),
    }, plain(item.text));
  }
  if (item.type === "overflow" || item.type === "static_select") {
    const choose = (event) => {
      const option = event.target.value;
      if (option) act("click", { ...where, action_id: item.action_id, option });
    };
    const label = item.type === "overflow" ? "⋯" : plain(item.placeholder) || "Choose…";
    return h("select", {
      class: "bk-select", "aria-label": label, "data-action-id": item.action_id, onchange: choose,
    }, h("option", { value: "" }, label), options(item).map((option) =>
      h("option", { value: option.value }, plain(option.text))));
  }
  if (item.type === "image") return imageElement(item);
  return h("span", { class: "block-unknown" }, `[${item.type}]`);
}

function options(item) {
  const groups = item.option_groups || [];
  return (item.options || []).concat(...groups.map((group) => group.options || []));
}

// -- modals: inputs and their values ---------------------------------------------------------

function inputBlock(block, where) {
  const item = block.element || {};
  const id = `input-${block.block_id}`;
  const error = where.errors && where.errors[block.block_id];
  return h("div", {
    class: "input-block" + (error ? " has-error" : ""), "data-block-id": block.block_id,
    "data-action-id": item.action_id, "data-type": item.type,
  },
  h("label", { for: id }, plain(block.label),
    block.optional ? h("span", { class: "optional" }, " (optional)") : null),
  required(inputElement(item, id), !block.optional),
  block.hint ? h("div", { class: "hint" }, plain(block.hint)) : null,
  error ? h("div", { class: "error", role: "alert" }, error) : null);
}

// Slack itself refuses to send a form with a required field left empty.
function required(field, isRequired) {
  if (isRequired && ["INPUT", "TEXTAREA", "SELECT"].includes(field.tagName)) {
    field.required = true;
  }
  return field;
}

function inputElement(item, id) {
  const data = page.data;
  switch (item.type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input": {
      const props = { id, maxlength: item.max_length, placeholder: plain(item.placeholder) };
      const field = item.multiline ? h("textarea", props) : h("input", { ...props, type: "text" });
      field.value = item.initial_value || "";
      return field;
    }
    case "number_input": {
      const field = h("input", {
        id, type: "number", min: item.min_value, max: item.max_value,
        step: item.is_decimal_allowed ? "any" : "1",
      });
      field.value = item.initial_value || "";
      return field;
    }
    case "static_select":
    case "radio_buttons": {
      const chosen = item.initial_option && item.initial_option.value;
      return h("select", { id }, h("option", { value: "" }, plain(item.placeholder) || "—"),
        options(item).map((option) => h("option", {
          value: option.value, selected: option.value === chosen,
        }, plain(option.text))));
    }
    case "checkboxes": {
      const chosen = new Set((item.initial_options || []).map((option) => option.value));
      return h("div", { id }, (item.options || []).map((option) => h("label", { class: "checkbox" },
        h("input", { type: "checkbox", value: option.value, checked: chosen.has(option.value) }),
        plain(option.text))));
    }
    case "timepicker": {
      const field = h("input", { id, type: "time" });
      field.value = item.initial_time || "";
      return field;
    }
    case "datepicker": {
      const field = h("input", { id, type: "date" });
      field.value = item.initial_date || "";
      return field;
    }
    case "multi_users_select":
    case "users_select": {
      const chosen = new Set(item.initial_users || (item.initial_user ? [item.initial_user] : []));
      return h("select", { id, multiple: item.type === "multi_users_select" },
        item.type === "users_select" ? h("option", { value: "" }, "—") : null,
        data.people.map((person) => h("option", {
          value: person.id, selected: chosen.has(person.id),
        }, person.name)));
    }
    case "conversations_select":
    case "channels_select":
      return h("select", { id }, h("option", { value: "" }, "—"),
        data.conversations.filter((c) => c.kind === "channel").map((c) =>
          h("option", { value: c.id }, "#" + c.name)));
    default:
      return h("div", { class: "block-unknown" }, `[${item.type} input]`);
  }
}

// What each input holds, as the sandbox's client expects it: {block_id: {action_id: value}}.
function formValues(form) {
  const values = {};
  for (const block of form.querySelectorAll(".input-block")) {
    const type = block.dataset.type;
    let value;
    if (type === "checkboxes") {
      value = [...block.querySelectorAll("input:checked")].map((box) => box.value);
    } else if (type === "multi_users_select") {
      value = [...block.querySelector("select").selectedOptions].map((option) => option.value);
    } else {
      const field = block.querySelector("input, textarea, select");
      if (!field) continue;
      value = field.value === "" ? null : field.value;
    }
    values[block.dataset.blockId] = { [block.dataset.actionId]: value };
  }
  return values;
}

// -- talking to the server -------------------------------------------------------------------

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
  return answer;
}

async function act(kind, body) {
  if (page.busy) return;
  page.busy = true;
  document.body.classList.add("busy");
  for (const button of document.querySelectorAll(".bk-button")) button.disabled = true;
  try {
    await api(`/api/${kind}`, { user: page.user, ...body });
  } catch (problem) {
    toast(problem.message);
  } finally {
    page.busy = false;
    document.body.classList.remove("busy");
    for (const button of document.querySelectorAll(".bk-button")) button.disabled = false;
    await refresh();
  }
}

async function refresh() {
  if (!page.user) return;
  try {
    page.data = await api(`/api/state?user=${encodeURIComponent(page.user)}`);
  } catch (problem) {
    toast(`The playground stopped answering: ${problem.message}`);
    return;
  }
  draw();
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

// -- drawing the page ------------------------------------------------------------------------

function conversation() {
  return page.data.conversations.find((c) => c.id === page.conversation);
}

function draw() {
  const data = page.data;
  const current = conversation() || data.conversations[0];
  page.conversation = current.id;
  const isApp = current.kind === "app";
  const showHome = isApp && page.tab === "home";
  const key = JSON.stringify([page.user, page.conversation, showHome, data.messages[current.id],
    showHome ? data.home : null, data.problems, data.conversations]);
  if (key !== page.shown) {
    page.shown = key;
    drawChrome(current, isApp, showHome);
    if (showHome) drawHome();
    else drawMessages(current);
  }
  drawModal();
}

function drawChrome(current, isApp, showHome) {
  const data = page.data;
  $("team-name").textContent = data.team;
  $("history").textContent = `History: ${data.history}.`;
  const role = $("role");
  role.textContent = data.me.role === "staff" ? "staff" : "customer";
  role.className = "role-badge " + data.me.role;
  const item = (c) => h("li", {}, h("button", {
    type: "button", "aria-current": c.id === current.id ? "true" : "false",
    class: c.kind === "app" ? "app-dot" : null,
    onclick: () => { page.conversation = c.id; page.tab = "messages"; page.shown = ""; draw(); },
  }, c.kind === "app" ? c.name : `# ${c.name}`));
  $("channels").replaceChildren(...data.conversations.filter((c) => c.kind === "channel").map(item));
  $("apps").replaceChildren(...data.conversations.filter((c) => c.kind === "app").map(item));
  $("channel-title").textContent = isApp ? current.name : `# ${current.name}`;
  $("channel-topic").textContent = current.topic;
  $("tabs").hidden = !isApp;
  $("tab-home").setAttribute("aria-selected", String(showHome));
  $("tab-messages").setAttribute("aria-selected", String(!showHome));
  $("messages").hidden = showHome;
  $("home").hidden = !showHome;
  $("composer").hidden = showHome;
  $("message-box").placeholder = isApp ? `Message ${current.name} — try /engagement help`
    : `Message #${current.name} — try /engagement`;
  const problems = $("problems");
  problems.hidden = data.problems.length === 0;
  problems.textContent = data.problems.length
    ? `Slack would refuse or warn about: ${data.problems.join(" · ")}` : "";
}

function drawMessages(current) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const messages = page.data.messages[current.id] || [];
  const roots = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const replies = messages.filter((m) => m.thread_ts && m.thread_ts !== m.ts);
  const nodes = [];
  for (const message of roots) {
    nodes.push(messageNode(message, current, false));
    for (const reply of replies.filter((r) => r.thread_ts === message.ts)) {
      nodes.push(messageNode(reply, current, true));
    }
  }
  if (nodes.length === 0) {
    nodes.push(h("div", { class: "messages-empty" },
      "Nothing here yet. Type /engagement below to ask the bot."));
  }
  list.replaceChildren(...nodes);
  if (atBottom || list.dataset.conversation !== current.id) list.scrollTop = list.scrollHeight;
  list.dataset.conversation = current.id;
}

function messageNode(message, current, isReply) {
  const name = message.from_app ? page.data.app.name
    : page.data.names[message.author] || message.author;
  const where = { channel: current.id, ts: message.ts };
  return h("article", {
    class: "message" + (message.ephemeral ? " ephemeral" : "") + (isReply ? " reply" : ""),
    "data-ts": message.ts,
  },
  avatar(name, message.from_app),
  h("div", { class: "message-body" },
    message.ephemeral ? h("div", { class: "only-you" }, "👁 Only visible to you") : null,
    h("div", { class: "message-meta" },
      h("span", { class: "author" }, name),
      message.from_app ? h("span", { class: "app-badge" }, "APP") : null,
      h("span", { class: "time" }, clock(message.ts)),
      isReply ? h("span", { class: "thread-note" }, "replied in thread") : null),
    message.blocks.length ? blocks(message.blocks, where) : mrkdwn(message.text),
    message.files.map((file) => h("div", { class: "file" },
      h("div", { class: "file-title" }, file.title),
      h("img", { src: file.url, alt: file.title })))));
}

function avatar(name, fromApp) {
  const color = fromApp ? "#4a154b"
    : COLORS[[...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % COLORS.length];
  const node = h("div", { class: "avatar", "aria-hidden": "true" }, (name[0] || "?").toUpperCase());
  node.style.background = color;
  return node;
}

function clock(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function drawHome() {
  const home = page.data.home;
  $("home").replaceChildren(home
    ? blocks(home.blocks, { view_id: home.id })
    : h("div", { class: "home-empty" }, "Opening Home…"));
}

function drawModal() {
  const modal = page.data.modal;
  const layer = $("modal-layer");
  const key = modal ? JSON.stringify([modal.id, modal.title, modal.blocks]) : "";
  if (!modal) {
    layer.hidden = true;
    layer.replaceChildren();
    page.modalShown = "";
    return;
  }
  if (key === page.modalShown) {
    showErrors(layer, modal.errors);
    return;
  }
  page.modalShown = key;
  const where = { view_id: modal.id, errors: modal.errors };
  const form = h("form", {
    class: "modal", role: "dialog", "aria-modal": "true", "aria-label": plain(modal.title),
    onsubmit: (event) => {
      event.preventDefault();
      act("submit", { view_id: modal.id, values: formValues(form) });
    },
  },
  h("div", { class: "modal-title" }, plain(modal.title)),
  h("div", { class: "modal-body" }, blocks(modal.blocks, where)),
  h("div", { class: "modal-footer" },
    h("button", {
      type: "button", class: "bk-button",
      onclick: () => act("close", { view_id: modal.id }),
    }, plain(modal.close) || "Cancel"),
    modal.submit ? h("button", { type: "submit", class: "bk-button primary" },
      plain(modal.submit)) : null));
  layer.replaceChildren(form);
  layer.hidden = false;
  const first = form.querySelector("input, textarea, select");
  if (first) first.focus();
}

// A refused submission keeps what was typed and shows the bot's errors beside the fields.
function showErrors(layer, errors) {
  for (const block of layer.querySelectorAll(".input-block")) {
    const text = errors[block.dataset.blockId];
    let note = block.querySelector(".error");
    block.classList.toggle("has-error", Boolean(text));
    if (!text) { if (note) note.remove(); continue; }
    if (!note) { note = h("div", { class: "error", role: "alert" }); block.append(note); }
    note.textContent = text;
  }
}

function confirmThen(confirm, action) {
  if (!confirm) { action(); return; }
  const layer = $("confirm-layer");
  const close = () => { layer.hidden = true; layer.replaceChildren(); };
  layer.replaceChildren(h("div", { class: "modal", role: "alertdialog", "aria-modal": "true",
    "aria-label": plain(confirm.title) },
  h("div", { class: "modal-title" }, plain(confirm.title)),
  h("div", { class: "modal-body" }, textObject(confirm.text)),
  h("div", { class: "modal-footer" },
    h("button", { type: "button", class: "bk-button", onclick: close },
      plain(confirm.deny) || "Cancel"),
    h("button", {
      type: "button", class: "bk-button " + (confirm.style === "danger" ? "danger" : "primary"),
      onclick: () => { close(); action(); },
    }, plain(confirm.confirm) || "Yes"))));
  layer.hidden = false;
}

// -- start -----------------------------------------------------------------------------------

async function start() {
  const people = await api("/api/people");
  const select = $("act-as");
  for (const [role, label] of [["customer", "Customers"], ["staff", "Staff"]]) {
    select.append(h("optgroup", { label }, people.filter((p) => p.role === role).map((p) =>
      h("option", { value: p.id }, `${p.name} — ${p.title}`))));
  }
  const wanted = new URLSearchParams(location.search).get("as");
  page.user = people.some((p) => p.id === wanted) ? wanted : people[0].id;
  select.value = page.user;
  select.addEventListener("change", () => switchTo(select.value));
  $("tab-home").addEventListener("click", () => openHome());
  $("tab-messages").addEventListener("click", () => { page.tab = "messages"; draw(); });
  $("composer").addEventListener("submit", send);
  await switchTo(page.user);
  setInterval(() => { if (!page.busy) refresh(); }, POLL_MS);
}

async function switchTo(userId) {
  page.user = userId;
  page.shown = "";
  page.modalShown = "";
  page.data = null;
  history.replaceState(null, "", `?as=${encodeURIComponent(userId)}`);
  await refresh();
  // A customer starts where their survey is (the app); staff where they ask (#general).
  const first = page.data.me.role === "staff"
    ? page.data.conversations.find((c) => c.kind === "channel")
    : page.data.conversations.find((c) => c.kind === "app");
  page.conversation = first.id;
  page.tab = "messages";
  page.shown = "";
  draw();
}

async function openHome() {
  page.tab = "home";
  page.shown = "";
  draw();
  await act("home", {});  // Slack sends app_home_opened each time the tab is opened
}

async function send(event) {
  event.preventDefault();
  const box = $("message-box");
  const text = box.value.trim();
  const error = $("composer-error");
  error.textContent = "";
  if (!text) return;
  if (!text.startsWith("/")) {
    error.textContent = "This app listens to /engagement commands; plain messages go nowhere here.";
    return;
  }
  box.value = "";
  try {
    page.busy = true;
    await api("/api/command", { user: page.user, channel: page.conversation, text });
  } catch (problem) {
    error.textContent = problem.message;
    box.value = text;
  } finally {
    page.busy = false;
    page.shown = "";
    await refresh();
  }
}

document.addEventListener("DOMContentLoaded", start);
