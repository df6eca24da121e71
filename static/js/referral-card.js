// The consent card in the visitor's chat (handover: docs/handover.md).
//
// The chat widget (chat.js) passes on frames it does not handle as a "chat:frame" DOM
// event; a {type: "referral"} frame says a card changed, and we fetch the cards of this
// conversation again from the server, which checks that this session is the visitor.
// A card is a message in the conversation: it goes into the chat's message list at the
// place it was asked (its data-seq, "after message n", which chat.js's ordering keeps).
// The server renders the cards it knows with ordinary forms (so they work without
// JavaScript); we take those over, and draw new ones from a <template> with textContent,
// never as HTML. The answer goes back with fetch (CSRF header), so the browser history
// keeps showing /chat/. Which answers a card offers is the server's `steps`
// (handover.referrals.allowed_steps): this file keeps no list of states, and no sentences
// about them: the card says where its referral stands with the server's `status`.
// After an answer the card shrinks to that line, the focus goes back to the message box,
// and the card fires "card:answered" (bubbling; detail {id, decision, state, status}).

import { placeInList, refreshOn } from "./cards.js";

const ZERO = "00000000-0000-0000-0000-000000000000";

function startCards(box) {
  const text = box.dataset;
  const ownList = box.querySelector("[data-referral-list]");
  const template = box.querySelector("[data-referral-card-template]");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  const chat = document.querySelector("[data-chat]");
  // Where the visitor reads: the chat's message list; the section's own list otherwise.
  const list = (chat && chat.querySelector("[data-chat-messages]")) || ownList;
  const cards = new Map(); // referral id -> {card, element, answered}
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
    set("[data-shares-line]", card.shares.join(", "));
    set("[data-summary]", card.summary);
    set("[data-contact]", card.contact);
    set("[data-own-route]", card.own_route);
    element.querySelector("[data-digest]").value = card.digest;
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
    element.querySelector("[data-contact-fields]").hidden = !card.asks_contact;
  }

  function showState(element, card) {
    const asking = card.steps.includes("accept");
    element.classList.toggle("consent-card--answered", !asking);
    element.querySelector("[data-summary-lines]").hidden = !asking;
    element.querySelector("[data-ask]").hidden = !asking;
    element.querySelector("[data-withdraw-box]").hidden = !card.steps.includes("withdraw");
    // Where the referral stands, in the sentence the account shows too (the server's
    // `status`, handover/includes/client_state.html). A polite live region (role=status).
    element.querySelector("[data-answer]").textContent = card.status || "";
  }

  // Answers go by fetch; the forms stay ordinary forms for a browser without JavaScript.
  function wire(element, id) {
    for (const form of element.querySelectorAll("form")) {
      form.action = text.decideUrl.replace(ZERO, id);
      form.addEventListener("submit", (event) => {
        const entry = cards.get(id);
        // Not read from the server yet: the form posts as it would without JavaScript.
        if (!entry || !entry.card) return;
        event.preventDefault();
        const button = event.submitter;
        if (button && button.value) decide(id, button.value, form);
      });
    }
  }

  function newCard(card) {
    const element = template.content.firstElementChild.cloneNode(true);
    element.id = `card-${card.id}`;
    element.dataset.cardId = card.id;
    // Labels point at their inputs by ids unique to this card.
    for (const label of element.querySelectorAll("label[data-for]")) {
      const input = element.querySelector(`input[name="${label.dataset.for}"]`);
      input.id = `card-${card.id}-${label.dataset.for}`;
      label.htmlFor = input.id;
    }
    wire(element, card.id);
    return element;
  }

  function place(element, afterSeq) {
    placeInList(list, element, afterSeq, "5");
  }

  // Into view in the list and the page: the question and both buttons at once. The
  // list shows the card's end (so what was said just before stays in sight above it), or
  // its start when the card is taller than the list.
  function bringIntoView(element) {
    if (list !== ownList) {
      const box = list.getBoundingClientRect();
      const card = element.getBoundingClientRect();
      const top = card.top - box.top + list.scrollTop;
      const fits = card.height <= list.clientHeight;
      list.scrollTop = Math.max(0, fits ? top + card.height - list.clientHeight : top);
    }
    element.scrollIntoView({ block: "nearest" });
    // Not while the visitor is typing a message: that stays where they type it.
    const typing = document.activeElement;
    if (!(typing && typing.matches("textarea, input") && typing.value)) {
      element.focus({ preventScroll: true });
    }
  }

  function render(card) {
    let entry = cards.get(card.id);
    if (entry === undefined) entry = { element: newCard(card) };
    else if (entry.card && entry.card.digest === card.digest && entry.card.state === card.state) return;
    entry.card = card;
    cards.set(card.id, entry);
    fill(entry.element, card);
    showState(entry.element, card);
    const first = !entry.shown;
    entry.shown = true;
    place(entry.element, card.after_seq);
    if (first && card.steps.includes("accept")) bringIntoView(entry.element);
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
    box.hidden = list !== ownList || cards.size === 0;
  }

  function answered(entry, decision) {
    const { element, card } = entry;
    const input = chat && chat.querySelector("[data-chat-input]");
    if (input && !input.closest("[hidden]")) input.focus({ preventScroll: true });
    element.dispatchEvent(
      new CustomEvent("card:answered", {
        bubbles: true,
        detail: { id: card.id, decision, state: card.state, status: card.status },
      }),
    );
  }

  async function decide(id, decision, form) {
    const entry = cards.get(id);
    const { element, card } = entry;
    const error = element.querySelector("[data-card-error]");
    error.textContent = "";
    const body = new FormData();
    body.append("decision", decision);
    body.append("digest", card.digest);
    if (decision === "accept") {
      for (const input of form.querySelectorAll("[data-contact-fields] input")) {
        body.append(input.name, input.value);
      }
    }
    const buttons = element.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
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
        answered(entry, decision);
      } else if (result.error === "wrong_state" && decision === "withdraw") {
        error.textContent = text.msgSent;
      } else {
        error.textContent = ERRORS[result.error] || text.errorOther;
        if (result.error === "card_changed" || result.error === "wrong_state") refresh();
      }
    } catch {
      error.textContent = text.errorOther;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  // The cards the server rendered: into the message list, answered by fetch from now on.
  for (const element of ownList.querySelectorAll("[data-card][data-card-id]")) {
    cards.set(element.dataset.cardId, { element });
    wire(element, element.dataset.cardId);
    if (list !== ownList) place(element, Math.floor(Number(element.dataset.seq)));
  }
  if (list !== ownList) box.hidden = true;

  refreshOn("referral", refresh);
}

for (const box of document.querySelectorAll("[data-referral-cards]")) startCards(box);
