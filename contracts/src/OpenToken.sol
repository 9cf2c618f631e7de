// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// A stand-in for the OPEN ERC-20 on Ethereum with the same properties: 18 decimals, a fixed
/// supply of 1,000,000,000 OPEN minted once to `holder`, no mint or burn after that, no fee on
/// transfer, and EIP-2612 permits.
contract OpenToken is ERC20, ERC20Permit {
    /// 1,000,000,000 OPEN.
    uint256 public constant SUPPLY = 1_000_000_000 ether;

    constructor(address holder) ERC20("OpenLedger", "OPEN") ERC20Permit("OpenLedger") {
        _mint(holder, SUPPLY);
    }
}
