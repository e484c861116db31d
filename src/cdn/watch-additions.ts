/**
 * Calls `onAdded` with the document, then with each element added to it later (the root
 * of each added subtree), until the returned observer is disconnected. Watches the
 * document, not shadow roots: an element placed inside another component's shadow root
 * is not seen. Records come at the microtask checkpoint after the parser inserted the
 * element, before the page is next rendered (HTML, "perform a microtask checkpoint").
 */
export function watchAdditions(onAdded: (root: Document | Element) => void): MutationObserver {
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) onAdded(node);
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  onAdded(document);
  return observer;
}

/** `root` itself if it is an element named `tag`, and every such element under it. */
export function elementsNamed(root: Document | Element, tag: string): Element[] {
  const under = [...root.querySelectorAll(tag)];
  return root instanceof Element && root.localName === tag ? [root, ...under] : under;
}
