/** The application frame: header, navigation (a menu button below 56rem), main area. */
import { css } from 'lit';

export const shellStyles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  .skip {
    position: absolute;
    left: 0.5rem;
    top: -3rem;
    background: var(--ch-surface);
    padding: 0.5rem 0.75rem;
    border-radius: 6px;
    z-index: 10;
  }
  .skip:focus {
    top: 0.5rem;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1.25rem;
    padding: 0.6rem 1rem;
    background: #0f2a5c;
    color: #fff;
  }
  header :focus-visible {
    outline-color: #fff;
  }
  .brand {
    color: #fff;
    font-weight: 700;
    font-size: 1.1rem;
    text-decoration: none;
    margin-right: auto;
  }
  nav {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
  }
  nav a {
    color: #fff;
    text-decoration: none;
    padding: 0.45rem 0.65rem;
    border-radius: 6px;
  }
  nav a:hover {
    background: rgb(255 255 255 / 0.12);
  }
  nav a[aria-current='page'] {
    background: rgb(255 255 255 / 0.2);
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 0.3rem;
  }
  .user {
    display: flex;
    align-items: center;
    gap: 0.75rem;
  }
  .who {
    max-width: 12rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .menu {
    display: none;
  }
  main {
    padding: 1.25rem 1rem 3rem;
    max-width: 80rem;
    margin: 0 auto;
  }
  main:focus {
    outline: none;
  }
  @media (min-width: 56rem) {
    nav:not(.public) {
      order: 0;
      margin-right: auto;
    }
    .brand {
      margin-right: 0.5rem;
    }
  }
  @media (max-width: 55.99rem) {
    .menu {
      display: inline-flex;
      min-height: 2.25rem;
    }
    nav:not(.public),
    .user {
      display: none;
      width: 100%;
    }
    nav.open {
      display: flex;
      flex-direction: column;
    }
    .user.open {
      display: flex;
      justify-content: space-between;
      border-top: 1px solid rgb(255 255 255 / 0.25);
      padding-top: 0.5rem;
    }
    main {
      padding: 1rem 0.75rem 2.5rem;
    }
  }
  .demo-banner {
    margin: 0;
    padding: 0.45rem 1rem;
    background: var(--ch-warn-bg);
    color: var(--ch-text);
    border-bottom: 1px solid var(--ch-border);
    font-size: 0.9rem;
  }
`;
