// The follow-up appointment card in the visitor's chat (chat/appointments.py).
//
// Like the consent card (referral-card.js): chat.js passes on frames it does not handle as
// a "chat:frame" DOM event; an {type: "appointment"} frame says an appointment in this chat
// was proposed, answered or moved, and we fetch this chat's cards again from the server,
// which checks that this session is the visitor. A card sits in the message list after the
// last message said before it was proposed (its data-seq). The server renders the cards it
// knows with ordinary forms (for a browser without JavaScript); here they are drawn from a
// <template> with textContent, never as HTML, and answered by fetch (CSRF header). Where a
// card stands is the server's `status`; this file keeps no sentences about states.
// After an answer the focus goes back to the message box and the card fires
// "card:answered" (bubbling; detail {id, decision, state, status}), as the consent card does.

import { placeInList, refreshOn } from "./cards.js";

const ZERO = "00000000-0000-0000-0000-000000000000";

function startCards(box) {
  const text = box.dataset;
  const ownList = box.querySelector("[data-appointment-list]");
  const template = box.querySelector("[data-appointment-card-template]");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  const chat = document.querySelector("[data-chat]");
  const list = (chat && chat.querySelector("[data-chat-messages]")) || ownList;
  const cards = new Map(); // appointment id -> {element, card}

  function show(element, card) {
    element.querySelector("[data-when]").textContent = card.when;
    element.querySelector("[data-answer]").textContent = card.status || "";
    element.querySelector("[data-ask]").hidden = !card.asking;
    element.classList.toggle("appointment-card--answered", !card.asking);
  }

  function place(element, afterSeq) {
    placeInList(list, element, afterSeq, "6");
  }

  function bringIntoView(element) {
    element.scrollIntoView({ block: "nearest" });
    const typing = document.activeElement;
    if (!(typing && typing.matches("textarea, input") && typing.value)) {
      element.focus({ preventScroll: true });
    }
  }

  function wire(element, id) {
    const form = element.querySelector("[data-ask]");
    form.action = text.answerUrl.replace(ZERO, id);
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!cards.get(id)?.card || !button || !button.value) return; // posts as without script
      event.preventDefault();
      answer(id, button.value);
    });
  }

  function render(card) {
    let entry = cards.get(card.id);
    if (entry === undefined) {
      const element = template.content.firstElementChild.cloneNode(true);
      element.id = `appointment-${card.id}`;
      element.dataset.appointmentId = card.id;
      wire(element, card.id);
      entry = { element };
      cards.set(card.id, entry);
    } else if (entry.card && entry.card.state === card.state && entry.card.asking === card.asking) {
      return;
    }
    const first = !entry.card;
    entry.card = card;
    show(entry.element, card);
    place(entry.element, card.after_seq);
    if (first && card.asking) bringIntoView(entry.element);
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
    for (const card of data.cards) render(card);
    box.hidden = list !== ownList || cards.size === 0;
  }

  async function answer(id, decision) {
    const entry = cards.get(id);
    const error = entry.element.querySelector("[data-card-error]");
    error.textContent = "";
    const body = new FormData();
    body.append("decision", decision);
    const buttons = entry.element.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    try {
      const response = await fetch(text.answerUrl.replace(ZERO, id), {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
      const result = await response.json();
      if (response.ok) {
        entry.card = { ...entry.card, ...result, after_seq: entry.card.after_seq };
        show(entry.element, entry.card);
        const input = chat && chat.querySelector("[data-chat-input]");
        if (input && !input.closest("[hidden]")) input.focus({ preventScroll: true });
        entry.element.dispatchEvent(
          new CustomEvent("card:answered", {
            bubbles: true,
            detail: { id, decision, state: result.state, status: result.status },
          }),
        );
      } else {
        error.textContent = result.error === "wrong_state" ? text.errorChanged : text.errorOther;
        refresh();
      }
    } catch {
      error.textContent = text.errorOther;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  // Cards the server rendered (a page without script had them; normally none here).
  for (const element of ownList.querySelectorAll("[data-appointment-card][data-appointment-id]")) {
    cards.set(element.dataset.appointmentId, { element });
    wire(element, element.dataset.appointmentId);
  }
  if (list !== ownList) box.hidden = true;

  refreshOn("appointment", refresh);
}

for (const box of document.querySelectorAll("[data-appointment-cards]")) startCards(box);
