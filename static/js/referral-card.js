// The consent card in the visitor's chat (handover: docs/handover.md).
//
// The chat widget (chat.js) passes on frames it does not handle as a "chat:frame" DOM
// event; a {type: "referral"} frame says a card changed, and we fetch the cards of this
// conversation again from the server, which checks that this session is the visitor.
// Everything is rendered from a <template> with textContent, never as HTML. The answer
// goes back with fetch (CSRF header), so the browser history keeps showing /chat/.
// Which answers a card offers is the server's `steps` (handover.referrals.allowed_steps):
// this file keeps no list of states, and no sentences about them: the card says where its
// referral stands with the server's `status`. The server lists every card asked in this
// chat, so a supervisor's approval or the sending reaches the open chat as a new status.

const ZERO = "00000000-0000-0000-0000-000000000000";

function startCards(box) {
  const text = box.dataset;
  const list = box.querySelector("[data-referral-list]");
  const template = box.querySelector("[data-referral-card-template]");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  const cards = new Map(); // referral id -> {card, element}
  const ERRORS = {
    contact_missing: text.errorContactMissing,
    card_changed: text.errorChanged,
    anonymous: text.errorAnonymous,
  };

  function fill(element, card) {
    const set = (selector, value) => {
      element.querySelector(selector).textContent = value || "";
    };
    set("[data-partner]", card.partner);
    set("[data-partner-does]", card.partner_does);
    set("[data-purpose]", card.purpose);
    set("[data-summary]", card.summary);
    set("[data-contact]", card.contact);
    set("[data-own-route]", card.own_route);
    const shares = element.querySelector("[data-shares]");
    shares.replaceChildren(
      ...card.shares.map((label) => {
        const item = document.createElement("li");
        item.textContent = label;
        return item;
      }),
    );
    element.querySelector("[data-anonymous-note]").hidden = !card.anonymous;
    element.querySelector("[data-name-box]").hidden = !card.asks_name;
  }

  function showState(element, card) {
    const asking = card.steps.includes("accept");
    const withdrawable = card.steps.includes("withdraw");
    element.querySelector("[data-ask]").hidden = !asking;
    element.querySelector("[data-ok]").hidden = !asking;
    element.querySelector("[data-contact-fields]").hidden = !(asking && card.asks_contact);
    element.querySelector("[data-withdraw-box]").hidden = !withdrawable;
    // Where the referral stands, in the sentence the account shows too (the server's
    // `status`, handover/includes/client_state.html).
    element.querySelector("[data-answer]").textContent = card.status || "";
  }

  function newCard(card) {
    const element = template.content.firstElementChild.cloneNode(true);
    // Labels point at their inputs by ids unique to this card.
    for (const label of element.querySelectorAll("label[data-for]")) {
      const input = element.querySelector(`input[name="${label.dataset.for}"]`);
      input.id = `card-${card.id}-${label.dataset.for}`;
      label.htmlFor = input.id;
    }
    element.querySelector("[data-accept]").addEventListener("click", () => decide(card.id, "accept"));
    element.querySelector("[data-decline]").addEventListener("click", () => decide(card.id, "decline"));
    element.querySelector("[data-withdraw]").addEventListener("click", () => decide(card.id, "withdraw"));
    list.append(element);
    return element;
  }

  function render(card) {
    let entry = cards.get(card.id);
    const isNew = entry === undefined;
    if (isNew) entry = { element: newCard(card) };
    else if (entry.card.digest === card.digest && entry.card.state === card.state) return;
    entry.card = card;
    cards.set(card.id, entry);
    fill(entry.element, card);
    showState(entry.element, card);
    if (isNew && card.steps.includes("accept")) {
      box.hidden = false;
      entry.element.scrollIntoView({ block: "nearest" });
      entry.element.focus({ preventScroll: true });
    }
  }

  async function refresh() {
    let data;
    try {
      const response = await fetch(text.url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      data = await response.json();
    } catch {
      return;
    }
    const current = new Set(data.cards.map((card) => card.id));
    for (const card of data.cards) render(card);
    // A card the server no longer lists (staff cancelled it) goes, unless the visitor just
    // answered it here: then the answer stays readable.
    for (const [id, entry] of cards) {
      if (!current.has(id) && !entry.answered) {
        entry.element.remove();
        cards.delete(id);
      }
    }
    box.hidden = cards.size === 0;
  }

  async function decide(id, decision) {
    const entry = cards.get(id);
    const { element, card } = entry;
    const error = element.querySelector("[data-card-error]");
    error.textContent = "";
    const body = new FormData();
    body.append("decision", decision);
    body.append("digest", card.digest);
    if (decision === "accept") {
      for (const input of element.querySelectorAll("[data-contact-fields] input")) {
        body.append(input.name, input.value);
      }
    }
    for (const button of element.querySelectorAll("button")) button.disabled = true;
    try {
      const response = await fetch(text.decideUrl.replace(ZERO, id), {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
      const result = await response.json();
      if (response.ok) {
        entry.answered = true;
        entry.card = { ...card, state: result.state, steps: result.steps, status: result.status };
        showState(element, entry.card);
      } else if (result.error === "wrong_state" && decision === "withdraw") {
        error.textContent = text.msgSent;
      } else {
        error.textContent = ERRORS[result.error] || text.errorOther;
        if (result.error === "card_changed" || result.error === "wrong_state") refresh();
      }
    } catch {
      error.textContent = text.errorOther;
    } finally {
      for (const button of element.querySelectorAll("button")) button.disabled = false;
    }
  }

  document.addEventListener("chat:frame", (event) => {
    if (event.detail && event.detail.type === "referral") refresh();
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  window.addEventListener("online", refresh);
  refresh();
}

for (const box of document.querySelectorAll("[data-referral-cards]")) startCards(box);
